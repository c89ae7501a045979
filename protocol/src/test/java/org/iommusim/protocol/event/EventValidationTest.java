package org.iommusim.protocol.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Constructors refuse out-of-range fields and say which field. */
class EventValidationTest {

    private static void rejects(String field, Executable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        assertTrue(e.getMessage().startsWith(field + "="), () -> "message should name " + field + ": " + e.getMessage());
    }

    @Test
    void widthsAreChecked() {
        rejects("ssid", () -> new Origin(1, true, 1 << 20));
        rejects("ssid", () -> new Origin(1, true, -1));
        rejects("sid", () -> Origin.stream(1L << 32));
        rejects("sid", () -> Origin.substream(-1L, 0));
        rejects("stag", () -> new Stall(0x1_0000, true));
        rejects("ipa", () -> new WalkInfo(true, EventClass.TABLE_WALK, 1L << 52));
        // Arm IHI 0070, 7.3.13 F_TRANSLATION: the record's IPA field is IPA[51:12]; dw3[11:0] are RES0
        rejects("ipa", () -> new WalkInfo(true, EventClass.INPUT_ADDRESS, 0x1000_0008L));
        rejects("ipa", () -> WalkInfo.stage2(EventClass.INPUT_ADDRESS, 1));
        rejects("fetchAddress", () -> new FSteFetch(Origin.stream(1), 1L << 52));
        rejects("fetchAddress", () -> new FVmsFetch(Origin.stream(1), -1L));
    }

    @Test
    void fieldsThatNeedAFlagAreChecked() {
        rejects("ssid", () -> new Origin(1, false, 3));
        rejects("stag", () -> new Stall(3, false));
        rejects("ipa", () -> new WalkInfo(false, EventClass.INPUT_ADDRESS, 0x1000));
    }

    @Test
    void largestValuesAreAccepted() {
        new Origin(-1, true, 0xfffff);
        new Stall(0xffff, true);
        new WalkInfo(true, EventClass.CD_FETCH, (1L << 52) - 0x1000);
        new FCdFetch(Origin.stream(0xffff_ffffL), (1L << 52) - 1);
    }

    @Test
    void nullPartsAreRefusedByName() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new FAccess(Origin.stream(1), null, AccessAttributes.read(), WalkInfo.stage1(EventClass.TABLE_WALK), 0));
        assertEquals("stall", e.getMessage());
        assertThrows(NullPointerException.class, () -> new CBadSte(null));
        assertThrows(NullPointerException.class, () -> new WalkInfo(false, null, 0));
    }

    @Test
    void eventIdsMatchTheReferenceTable() {
        assertEquals(19, EventId.values().length);
        Set<Integer> codes = Arrays.stream(EventId.values()).map(EventId::code).collect(Collectors.toSet());
        assertEquals(Set.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x24, 0x25), codes);
        for (EventId id : EventId.values()) {
            assertEquals(Optional.of(id), EventId.fromCode(id.code()));
        }
        assertEquals(Optional.of(EventId.F_TRANSLATION), EventId.fromCode(0x10));
        assertEquals("F_TRANSLATION", EventId.F_TRANSLATION.referenceName());
        assertEquals(Optional.empty(), EventId.fromCode(0x0C));
        assertEquals(Optional.empty(), EventId.fromCode(-1));
        assertEquals(Optional.empty(), EventId.fromCode(256));
    }

    @Test
    void eventClassCodes() {
        assertEquals(Optional.of(EventClass.CD_FETCH), EventClass.fromCode(0));
        assertEquals(Optional.of(EventClass.TABLE_WALK), EventClass.fromCode(1));
        assertEquals(Optional.of(EventClass.INPUT_ADDRESS), EventClass.fromCode(2));
        assertEquals(Optional.empty(), EventClass.fromCode(3));
    }
}
