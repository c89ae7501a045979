package org.iommusim.persistence.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.persistence.serialization.IommuSimSerializer;
import org.iommusim.protocol.capability.SmmuCapabilities;
import java.util.stream.IntStream;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.junit.jupiter.api.Test;

class IdStateTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final SmmuCapabilities NARROW = SmmuCapabilities.builder().vmidBits(8).asidBits(8).build();

    private static IdState run(IdState s, IdDecision d) {
        for (IdEvent e : ((IdDecision.Accept) d).events()) {
            s = s.apply(e);
        }
        return s;
    }

    private static int allocated(IdDecision d) {
        return ((IdDecision.Accept) d).events().get(0).id();
    }

    private static IdError refused(IdDecision d) {
        return assertInstanceOf(IdDecision.Reject.class, d).error();
    }

    @Test
    void theLowestFreeIdIsHandedOutStartingAtOneAndKindsAreIndependent() {
        IdState s = IdState.EMPTY;
        for (int expected = 1; expected <= 3; expected++) {
            IdDecision d = s.decideAllocate(IdKind.VMID, CAPS);
            assertEquals(expected, allocated(d), "VMID 0 is never handed out");
            s = run(s, d);
        }
        assertEquals(1, allocated(s.decideAllocate(IdKind.ASID, CAPS)), "ASIDs have their own space");
        assertEquals(List.of(1, 2, 3), s.vmids().inUseIds());
    }

    @Test
    void aReleasedIdIsNotReusedUntilItsFlushCompleted() {
        IdState s = IdState.EMPTY;
        s = run(s, s.decideAllocate(IdKind.VMID, CAPS));
        s = run(s, s.decideAllocate(IdKind.VMID, CAPS));
        s = run(s, s.decideRelease(IdKind.VMID, 1));
        assertTrue(s.vmids().awaitingFlush(1));
        assertEquals(3, allocated(s.decideAllocate(IdKind.VMID, CAPS)), "VMID 1 awaits its flush: skipped");
        s = run(s, s.decideFlushed(IdKind.VMID, List.of(1)));
        assertEquals(1, allocated(s.decideAllocate(IdKind.VMID, CAPS)), "flushed: the lowest free again");
    }

    @Test
    void releasingAnIdNotInUseIsRefusedAndAFlushOfAFreeIdIsIgnored() {
        IdState s = IdState.EMPTY;
        assertEquals(IdError.Kind.ID_NOT_IN_USE, refused(s.decideRelease(IdKind.ASID, 4)).kind());
        s = run(s, s.decideAllocate(IdKind.ASID, CAPS));
        s = run(s, s.decideRelease(IdKind.ASID, 1));
        assertEquals(List.of(), ((IdDecision.Accept) s.decideRelease(IdKind.ASID, 1)).events(),
                "released again while awaiting its flush: nothing to record, the flush is due again");
        s = run(s, s.decideFlushed(IdKind.ASID, List.of(1)));
        assertEquals(List.of(), ((IdDecision.Accept) s.decideFlushed(IdKind.ASID, List.of(1, 2))).events(),
                "a second, overlapping flush changes nothing");
        IdState end = s;
        assertThrows(IllegalStateException.class, () -> end.apply(new IdEvent.IdFlushed(IdKind.ASID, 1)));
        assertThrows(IllegalStateException.class, () -> end.apply(new IdEvent.IdReleased(IdKind.ASID, 1)));
    }

    @Test
    void exhaustionIsARefusalThatCountsTheIdsAwaitingTheirFlush() {
        IdState s = IdState.EMPTY;
        for (int i = 0; i < 255; i++) {
            s = run(s, s.decideAllocate(IdKind.VMID, NARROW));
        }
        assertEquals(255, s.vmids().inUseIds().get(254), "8-bit VMIDs: 1..255");
        IdError e = refused(s.decideAllocate(IdKind.VMID, NARROW));
        assertEquals(IdError.Kind.ID_EXHAUSTED, e.kind());
        s = run(s, s.decideRelease(IdKind.VMID, 9));
        IdError waiting = refused(s.decideAllocate(IdKind.VMID, NARROW));
        assertTrue(waiting.message().contains("1 of them awaiting their flush"), waiting.message());
        assertEquals(256, allocated(s.decideAllocate(IdKind.VMID, CAPS)), "a 16-bit SMMU has more");
    }

    @Test
    void aKindTheSmmuHasNoStageForIsRefused() {
        SmmuCapabilities s1only = SmmuCapabilities.builder().stage2(false).build();
        SmmuCapabilities s2only = SmmuCapabilities.builder().stage1(false).build();
        assertEquals(IdError.Kind.ID_UNSUPPORTED, refused(IdState.EMPTY.decideAllocate(IdKind.VMID, s1only)).kind());
        assertEquals(IdError.Kind.ID_UNSUPPORTED, refused(IdState.EMPTY.decideAllocate(IdKind.ASID, s2only)).kind());
        assertEquals(1, allocated(IdState.EMPTY.decideAllocate(IdKind.ASID, s1only)));
    }

    @Test
    void theFlushOfAVmidIsS12VmallAndOfAnAsidNhAsidOfVmidZero() {
        assertEquals(new TlbiS12Vmall(5), IdKind.VMID.flush(5));
        assertEquals(new TlbiNhAsid(0, 5), IdKind.ASID.flush(5));
    }

    @Test
    void aFlushIsOneTlbiPerIdInBatchesTheQueueCanTakeEndingWithASync() {
        List<List<Command>> one = IdFlush.submissions(IdKind.VMID, List.of(3), 256);
        assertEquals(List.of(List.of(new TlbiS12Vmall(3), CmdSync.poll())), one);
        List<Integer> many = IntStream.rangeClosed(1, 130).boxed().toList();
        List<List<Command>> batches = IdFlush.submissions(IdKind.ASID, many, 256);
        assertEquals(List.of(64, 64, 3), batches.stream().map(List::size).toList(), "Linux's 64-entry batches");
        assertEquals(CmdSync.poll(), batches.get(2).get(2));
        assertEquals(new TlbiNhAsid(0, 130), batches.get(2).get(1));
        List<List<Command>> tiny = IdFlush.submissions(IdKind.VMID, List.of(1, 2), 2);
        assertEquals(List.of(List.of(new TlbiS12Vmall(1), new TlbiS12Vmall(2)), List.of(CmdSync.poll())), tiny,
                "a full submission leaves the sync to the next one");
        assertEquals(3, IdFlush.submissions(IdKind.VMID, List.of(1, 2), 1).size(), "a one-entry queue");
    }

    @Test
    void eventsAndSnapshotsRoundTripCompactly() throws Exception {
        IommuSimSerializer ser = new IommuSimSerializer();
        for (IdEvent e : List.of(new IdEvent.IdAllocated(IdKind.VMID, 65535), new IdEvent.IdReleased(IdKind.ASID, 1),
                new IdEvent.IdFlushed(IdKind.VMID, 300))) {
            byte[] bytes = ser.toBinary(e);
            assertEquals(5, bytes.length, "a kind byte and the id");
            assertEquals(e, ser.fromBinary(bytes, ser.manifest(e)));
        }
        IdState s = new IdState(IdPool.of(List.of(1, 2, 7), List.of(3)), IdPool.of(List.of(4), List.of()));
        assertEquals(s, ser.fromBinary(ser.toBinary(s), ser.manifest(s)));
        byte[] bad = ser.toBinary(new IdEvent.IdAllocated(IdKind.VMID, 1));
        bad[0] = 9;
        assertThrows(java.io.NotSerializableException.class, () -> ser.fromBinary(bad, "A.A"));
    }
}
