package org.iommusim.protocol.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.protocol.event.CBadStreamId;
import org.iommusim.protocol.event.Origin;
import org.junit.jupiter.api.Test;

class TranslationBurstTest {
    private static final Perms RW = Perms.ofBits(1 | 2 | 8);

    @Test
    void requestsReadBackAsAddedWithEveryFieldPacked() {
        TranslationBurst b = new TranslationBurst(4);
        b.add(0xFFFF_FFFF, 0xFFFFF, 0xFFFF_FFFF_FFFF_F000L, Access.EXEC, true);
        b.add(TranslationRequest.of(7, 0x1000, Access.WRITE));
        b.add(TranslationRequest.withSsid(3, 0, 0x2000, Access.READ));
        assertEquals(3, b.size());
        assertEquals(new TranslationRequest(0xFFFF_FFFF, true, 0xFFFFF, 0xFFFF_FFFF_FFFF_F000L, Access.EXEC, true),
                b.request(0));
        assertEquals(TranslationRequest.of(7, 0x1000, Access.WRITE), b.request(1));
        assertEquals(TranslationRequest.withSsid(3, 0, 0x2000, Access.READ), b.request(2));
        assertEquals(TranslationBurst.NO_SSID, b.ssidOrNone(1));
        assertFalse(b.ssv(1));
        assertTrue(b.ssv(2));
        assertEquals(0, b.ssidOrNone(2));
    }

    @Test
    void badRequestsAndAFullBurstAreRefused() {
        TranslationBurst b = new TranslationBurst(1);
        assertThrows(IllegalArgumentException.class, () -> b.add(1, 0x100000, 0, Access.READ, false));
        assertThrows(IllegalArgumentException.class, () -> b.add(1, -2, 0, Access.READ, false));
        assertThrows(IllegalArgumentException.class, () -> b.add(1, 0, null));
        b.add(1, 0, Access.READ);
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> b.add(1, 0, Access.READ));
        assertTrue(full.getMessage().contains("full"), full.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> b.iova(1));
        assertThrows(IllegalArgumentException.class, () -> new TranslationBurst(0));
    }

    @Test
    void whileSubmittedTheOwnerCannotTouchItAndAnEmptyBurstCannotGo() {
        TranslationBurst b = new TranslationBurst(2);
        assertThrows(IllegalStateException.class, b::markSubmitted);
        b.add(1, 0, Access.READ);
        b.markSubmitted();
        assertTrue(b.isSubmitted());
        assertThrows(IllegalStateException.class, b::markSubmitted);
        assertThrows(IllegalStateException.class, () -> b.add(1, 0, Access.READ));
        assertThrows(IllegalStateException.class, b::clear);
        b.markCompleted();
        b.clear();
        assertTrue(b.isEmpty());
    }

    @Test
    void groupedSlotsHoldEachGroupsRequestsInOrderAndAnswersComeBackByRequest() {
        TranslationBurst b = new TranslationBurst(6);
        for (int i = 0; i < 6; i++) {
            b.add(i, 0x1000L * i, i % 2 == 0 ? Access.READ : Access.WRITE);
        }
        byte[] group = {1, 0, 1, 1, 0, 2};
        int[] start = b.markSubmitted(group, 3);
        assertArrayEquals(new int[] {0, 2, 5, 6}, start);
        int[] expected = {1, 4, 0, 2, 3, 5};
        for (int j = 0; j < 6; j++) {
            int i = b.requestInSlot(j);
            assertEquals(expected[j], i);
            assertEquals(b.request(i), b.slotRequest(j));
            assertEquals(i, b.slotSid(j));
            assertEquals(0x1000L * i, b.slotIova(j));
            assertEquals(b.access(i), b.slotAccess(j));
        }
        // answer slot by slot with something that names the request, then read back by request
        for (int j = 0; j < 6; j++) {
            b.answerSlot(j, 0x9000_0000L + b.requestInSlot(j), RW);
        }
        b.markCompleted();
        for (int i = 0; i < 6; i++) {
            assertEquals(0x9000_0000L + i, b.outputAddress(i));
            assertSame(RW, b.perms(i));
            assertEquals(new Translated(0x9000_0000L + i, RW), b.result(i));
        }
        assertEquals(0, b.untranslated());
    }

    @Test
    void faultsWildAddressesAndUnansweredRequestsReadBackAsSuch() {
        TranslationBurst b = new TranslationBurst(3);
        b.add(1, 0x1000, Access.READ);
        b.add(1, 0x2000, Access.READ);
        b.add(1, 0x3000, Access.READ);
        b.markSubmitted();
        Faulted f = new Faulted(new CBadStreamId(Origin.stream(1)));
        b.answerSlot(0, f);
        b.answerSlot(1, 0xFFFF_FFFF_FFFF_F123L, RW); // beyond the packed 56 bits: a bypassed wild address
        b.markCompleted();
        assertEquals(f, b.result(0));
        assertFalse(b.translated(0));
        assertThrows(IllegalStateException.class, () -> b.outputAddress(0));
        assertTrue(b.translated(1));
        assertEquals(0xFFFF_FFFF_FFFF_F123L, b.outputAddress(1));
        assertSame(RW, b.perms(1));
        assertNull(b.result(2));
        assertEquals(2, b.untranslated());
    }

    @Test
    void anAnsweredBurstTakesNoMoreRequestsUntilCleared() {
        TranslationBurst b = new TranslationBurst(4);
        b.add(1, 0x1000, Access.READ);
        b.add(1, 0x2000, Access.READ);
        b.markSubmitted(new byte[] {1, 0}, 2);
        b.answerSlot(0, 0x6000, RW);
        b.answerSlot(1, 0x5000, RW);
        b.markCompleted();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.add(1, 0x3000, Access.READ));
        assertTrue(e.getMessage().contains("clear()"), e.getMessage());
        assertEquals(0x5000, b.outputAddress(0), "the answers stay readable");
        assertEquals(0x6000, b.outputAddress(1));
        b.markSubmitted(); // the same requests again is fine
        b.markCompleted();
        b.clear();
        b.add(1, 0x3000, Access.READ);
        assertEquals(1, b.size());
    }

    @Test
    void aRefilledBurstForgetsItsOldAnswers() {
        TranslationBurst b = new TranslationBurst(1);
        b.add(1, 0x1000, Access.READ);
        b.markSubmitted();
        b.answerSlot(0, 0x5000, RW);
        b.markCompleted();
        b.clear();
        b.add(1, 0x2000, Access.READ);
        assertNull(b.result(0));
    }

    @Test
    void permissionBitsRoundTripToSharedInstances() {
        for (int bits = 0; bits < 16; bits++) {
            Perms p = Perms.ofBits(bits);
            assertEquals(bits, p.bits());
            assertEquals(new Perms((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0), p);
            assertSame(p, Perms.ofBits(bits));
        }
        assertThrows(IllegalArgumentException.class, () -> Perms.ofBits(16));
    }

    /** Each answer carries where it was found in two spare bits of its word, without disturbing address or perms. */
    @Test
    void answersCarryTheirPathWhenTheModelGivesIt() {
        TranslationBurst b = new TranslationBurst(6);
        for (int i = 0; i < 6; i++) {
            b.add(i, 0x1000L * i, Access.READ);
        }
        b.markSubmitted(new byte[] {1, 0, 1, 0, 1, 0}, 2); // slots grouped: the path follows the request
        int[] slot = new int[6];
        for (int j = 0; j < 6; j++) {
            slot[b.requestInSlot(j)] = j;
        }
        FaultedFixture f = new FaultedFixture();
        b.answerSlotHit(slot[0], 0x00FF_FFFF_FFFF_F000L, RW);               // the widest packed address
        b.answerSlot(slot[1], new Translated(0x8000L, RW), TranslationPath.TLB_MISS);
        b.answerSlot(slot[2], f.fault, TranslationPath.CONFIGURATION);
        b.answerSlot(slot[3], new Translated(0x7F00_0000_0000_0000L, RW), TranslationPath.CONFIGURATION); // beyond 56 bits
        b.answerSlot(slot[4], 0x9000L, RW);                                 // no path given
        b.markCompleted();
        assertEquals(TranslationPath.TLB_HIT, b.path(0));
        assertEquals(0x00FF_FFFF_FFFF_F000L, b.outputAddress(0));
        assertEquals(RW, b.perms(0));
        assertEquals(TranslationPath.TLB_MISS, b.path(1));
        assertEquals(new Translated(0x8000L, RW), b.result(1));
        assertEquals(TranslationPath.CONFIGURATION, b.path(2));
        assertSame(f.fault, b.result(2));
        assertFalse(b.translated(2));
        assertEquals(TranslationPath.CONFIGURATION, b.path(3));
        assertEquals(0x7F00_0000_0000_0000L, b.outputAddress(3));
        assertNull(b.path(4), "the model gave no path");
        assertEquals(0x9000L, b.outputAddress(4));
        assertNull(b.path(5), "not answered");
        assertNull(b.result(5));
        assertEquals(2, b.untranslated());
    }

    private static final class FaultedFixture {
        final Faulted fault = new Faulted(new CBadStreamId(Origin.stream(2)));
    }
}
