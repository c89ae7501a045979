package org.iommusim.persistence.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.persistence.translate.ConfigResolution;
import org.iommusim.persistence.translate.StreamContext;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CfgiSteRange;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.protocol.event.CBadSte;
import org.iommusim.protocol.event.CBadStreamId;
import org.junit.jupiter.api.Test;

/**
 * Two-level stream tables (Arm IHI 0070, 3.3.2 "Multi-level Stream tables", 5.1 "Level 1 Stream Table
 * Descriptor", 6.3.25 SMMU_STRTAB_BASE_CFG, 6.3.1 SMMU_IDR0.ST_LEVEL) in the pure SMMU state.
 */
class TwoLevelStreamTableTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final long L2 = 0x8000_0000L;

    private static SmmuFixture twoLevel(int log2Size, int split) {
        SmmuFixture f = new SmmuFixture(CAPS);
        f.apply(accept(f.state.decideStreamTable(StreamTableFormat.twoLevel(log2Size, split))));
        return f;
    }

    private static List<SmmuChange> accept(SmmuDecision d) {
        if (d instanceof SmmuDecision.Reject r) {
            throw new AssertionError("rejected: " + r.reason());
        }
        return ((SmmuDecision.Accept) d).events();
    }

    private static String reason(SmmuDecision d) {
        return d instanceof SmmuDecision.Reject r ? r.reason() : null;
    }

    private static void writeL1(SmmuFixture f, int index, int span) {
        f.apply(accept(f.state.decideWriteL1(index, new L1Descriptor(span, L2 + ((long) index << 16)))));
    }

    private static StreamContext resolve(SmmuFixture f, int sid) {
        return ConfigResolution.resolve(sid, false, 0, CAPS, f.effective(sid), id -> null);
    }

    private static void assertOutOfRange(SmmuFixture f, int sid) {
        StreamContext c = resolve(f, sid);
        assertInstanceOf(CBadStreamId.class, assertInstanceOf(StreamContext.ConfigFault.class, c,
                "sid 0x" + Integer.toHexString(sid)).event());
    }

    private static void assertBypass(SmmuFixture f, int sid) {
        assertInstanceOf(StreamContext.Bypass.class, resolve(f, sid), "sid 0x" + Integer.toHexString(sid));
    }

    /**
     * 3.3.2 and 5.1: a StreamID whose L1STD has SPAN=0 is out of range (C_BAD_STREAMID), whatever STE memory
     * holds and whatever CFGI loaded; with SPAN=n the level-2 array holds 2^(n-1) STEs and a StreamID beyond
     * them is out of range too (QEMU reports that case as C_BAD_STE and counts 2^SPAN STEs).
     */
    @Test
    void aStreamIdIsReachedOnlyThroughAValidL1DescriptorAndWithinItsSpan() {
        SmmuFixture f = twoLevel(16, 8);
        for (int sid : new int[] {0x100, 0x103, 0x104, 0x1FF}) {
            f.writeSte(sid, Ste.bypass());
        }
        assertNull(f.submit(new CfgiSte(0x100, true), new CfgiSte(0x103, true), new CfgiSte(0x104, true),
                CmdSync.poll()));
        assertOutOfRange(f, 0x100); // L1STD 1 never written: SPAN=0
        writeL1(f, 1, 3); // 2^(3-1) = 4 STEs: 0x100..0x103
        assertBypass(f, 0x100);
        assertBypass(f, 0x103);
        assertOutOfRange(f, 0x104);
        assertOutOfRange(f, 0x1FF);
        // within the span but never loaded: the STE is invalid, not out of range
        assertInstanceOf(CBadSte.class, ((StreamContext.ConfigFault) resolve(f, 0x102)).event());
        // another L1STD's range is untouched
        assertOutOfRange(f, 0x200);
        assertOutOfRange(f, 0x0);
    }

    /** 5.1: SPAN above SPLIT + 1 is reserved and behaves as 0 (invalid). */
    @Test
    void aSpanAboveSplitPlusOneIsInvalid() {
        SmmuFixture f = twoLevel(16, 6);
        f.writeSte(0x40, Ste.bypass());
        assertNull(f.submit(new CfgiSte(0x40, true), CmdSync.poll()));
        writeL1(f, 1, 8);
        assertOutOfRange(f, 0x40);
        writeL1(f, 1, 7); // SPLIT + 1: the whole 64-STE array
        assertBypass(f, 0x40);
    }

    /** 6.3.25: the effective LOG2SIZE is at most IDR1.SIDSIZE; a StreamID at or beyond 2^LOG2SIZE is out of range. */
    @Test
    void log2SizeBoundsTheTableAndIsCappedBySidsize() {
        SmmuFixture f = twoLevel(12, 8);
        assertEquals(16, f.state.config().table().l1Count());
        writeL1(f, 15, 9);
        f.writeSte(0xFFF, Ste.bypass());
        f.writeSte(0x1000, Ste.bypass());
        assertNull(f.submit(new CfgiSte(0xFFF, true), new CfgiSte(0x1000, true), CmdSync.poll()));
        assertBypass(f, 0xFFF);
        assertOutOfRange(f, 0x1000);
        assertEquals("level-1 descriptor 16 is beyond the table's 16 (LOG2SIZE=12, SPLIT=8)",
                reason(f.state.decideWriteL1(16, new L1Descriptor(9, L2))));
        SmmuFixture narrow = new SmmuFixture(CAPS.toBuilder().sidBits(10).build());
        narrow.apply(accept(narrow.state.decideStreamTable(StreamTableFormat.twoLevel(20, 8))));
        assertEquals(10, narrow.state.config().table().log2Size());
        assertEquals(4, narrow.state.config().table().l1Count());
    }

    /**
     * 4.3.1 CMD_CFGI_STE: Leaf=1 invalidates the STE only, so a cached L1STD stays in force (stale) after
     * software changed it; Leaf=0 also invalidates the L1STD. An invalid L1STD is never cached, so Linux's
     * order (write the L1STD, write the STE, CFGI_STE Leaf=1) works without a Leaf=0.
     */
    @Test
    void cfgiSteLeafKeepsACachedL1DescriptorLeafZeroReloadsIt() {
        SmmuFixture f = twoLevel(16, 8);
        writeL1(f, 2, 9);
        f.writeSte(0x210, Ste.bypass());
        assertNull(f.submit(new CfgiSte(0x210, true), CmdSync.poll()));
        assertBypass(f, 0x210);
        assertEquals(new L1Descriptor(9, L2 + (2L << 16)), f.state.config().table().cached().get(2),
                "the L1STD the STE was loaded through is cached");
        writeL1(f, 2, 0); // software retires the level-2 array
        assertBypass(f, 0x210); // no CFGI yet: the cached L1STD is in force
        assertNull(f.submit(new CfgiSte(0x210, true), CmdSync.poll()));
        assertBypass(f, 0x210); // Leaf=1 kept it
        assertNull(f.submit(new CfgiSte(0x210, false), CmdSync.poll()));
        assertOutOfRange(f, 0x210);
        assertFalse(f.state.config().table().cached().containsKey(2), "an invalid L1STD is not cached");
        assertEquals(f.state, f.replay(), "the journal gives the same state");
    }

    /** 4.3.2 CMD_CFGI_STE_RANGE (and CFGI_ALL) invalidate the L1STDs covering the range, and no others. */
    @Test
    void cfgiSteRangeReloadsTheL1DescriptorsItCovers() {
        SmmuFixture f = twoLevel(16, 6);
        for (int i = 0; i < 4; i++) {
            writeL1(f, i, 7);
            f.writeSte(i << 6, Ste.bypass());
        }
        assertNull(f.submit(new CfgiSteRange(0, 31), CmdSync.poll()));
        assertEquals(4, f.state.config().table().cached().size());
        for (int i = 0; i < 4; i++) {
            writeL1(f, i, 0);
        }
        // 128 StreamIDs from 0x80: L1STDs 2 and 3
        assertNull(f.submit(new CfgiSteRange(0x80, 6), CmdSync.poll()));
        assertBypass(f, 0x00);
        assertBypass(f, 0x40);
        assertOutOfRange(f, 0x80);
        assertOutOfRange(f, 0xC0);
        assertNull(f.submit(CfgiSteRange.all(), CmdSync.poll()));
        assertOutOfRange(f, 0x00);
        assertTrue(f.state.config().table().cached().isEmpty());
        assertEquals(f.state, f.replay());
    }

    /** A CFGI_STE of a StreamID the table does not reach is consumed with no error and no effect on the L1STDs. */
    @Test
    void cfgiSteOfAnUnreachableStreamIdIsConsumedWithoutError() {
        SmmuFixture f = twoLevel(16, 8);
        f.writeSte(0x305, Ste.bypass());
        assertNull(f.submit(new CfgiSte(0x305, false), new CfgiSte(0x305, true), CmdSync.poll()));
        assertFalse(f.state.queue().halted());
        assertEquals(3, f.state.queue().cons());
        assertTrue(f.state.config().table().cached().isEmpty());
        assertOutOfRange(f, 0x305);
        writeL1(f, 3, 9); // made valid: seen at once, the STE loaded by the CFGI is in force
        assertBypass(f, 0x305);
    }

    /** 6.3.1 IDR0.ST_LEVEL and 6.3.25: what the SMMU refuses, each with its reason. */
    @Test
    void programmingIsRefusedWithoutStLevelOrAfterSubmissionsAndLinearTablesHaveNoL1() {
        SmmuCapabilities linear = SmmuCapabilities.defaults().toBuilder().twoLevelStreamTables(false).build();
        SmmuFixture linearOnly = new SmmuFixture(linear);
        assertEquals("two-level stream table: the SMMU advertises IDR0.ST_LEVEL=0b00 (linear only)",
                reason(linearOnly.state.decideStreamTable(StreamTableFormat.twoLevel(16, 8))));
        linearOnly.apply(accept(linearOnly.state.decideStreamTable(StreamTableFormat.linear(8))));
        assertEquals("the stream table is linear: it has no level-1 descriptors",
                reason(linearOnly.state.decideWriteL1(0, new L1Descriptor(1, L2))));
        linearOnly.writeSte(0x100, Ste.bypass());
        assertNull(linearOnly.submit(new CfgiSte(0x100, true), CmdSync.poll()));
        assertInstanceOf(CBadStreamId.class, ((StreamContext.ConfigFault) ConfigResolution.resolve(0x100, false, 0,
                linear, linearOnly.effective(0x100), id -> null)).event(),
                "a linear table of 2^8 STEs does not reach StreamID 0x100");
        assertEquals("STRTAB_BASE_CFG is programmed before the SMMU is enabled; 2 commands were already submitted",
                reason(linearOnly.state.decideStreamTable(StreamTableFormat.linear(16))));
        assertThrows(IllegalArgumentException.class, () -> StreamTableFormat.twoLevel(16, 7));
        assertThrows(IllegalArgumentException.class, () -> new L1Descriptor(1, 0x8000_0020L));
    }
}
