package org.iommusim.persistence.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.persistence.cmdq.QueueError;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.AtcInv;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.PrefetchAddr;
import org.iommusim.protocol.command.PrefetchConfig;
import org.iommusim.protocol.command.PriResp;
import org.iommusim.protocol.command.PriResponse;
import org.iommusim.protocol.command.Resume;
import org.iommusim.protocol.command.ResumeAction;
import org.iommusim.protocol.command.StallTerm;
import org.iommusim.protocol.command.TlbiEl2All;
import org.iommusim.protocol.command.TlbiEl2Va;
import org.iommusim.protocol.command.TlbiEl3All;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;

/**
 * Commands a particular SMMU refuses as CERROR_ILL (never a silent no-op),
 * and the documented behaviour of valid commands the model does not act on.
 */
class CapabilityRefusalTest {
    private static final SmmuCapabilities ALL = SmmuCapabilities.defaults();

    private static String refusedWith(SmmuCapabilities caps, Command c) {
        SmmuFixture f = new SmmuFixture(caps);
        assertNull(f.submit(c, CmdSync.poll()));
        QueueError e = f.state.queue().error();
        assertTrue(e != null, c.opcode() + " should be refused");
        assertEquals(0, e.index());
        assertEquals(0, f.state.queue().cons(), "nothing consumed past the refused entry");
        return e.reason();
    }

    private static void accepted(SmmuCapabilities caps, Command c) {
        SmmuFixture f = new SmmuFixture(caps);
        assertNull(f.submit(c, CmdSync.poll()));
        assertFalse(f.state.queue().halted(), c.opcode() + " should be accepted: " + f.state.queue().error());
        assertEquals(2, f.state.queue().cons());
    }

    /**
     * Arm IHI 0070, 4.1.7 "Out-of-range parameters": a StreamID beyond SIDSIZE makes a command
     * CONSTRAINED UNPREDICTABLE between no effect and acting on another StreamID, never CERROR_ILL;
     * the model takes "no effect". A SubstreamID beyond SSIDSIZE the model refuses as ILL (allowed).
     */
    @Test
    void aStreamIdBeyondSidsizeHasNoEffectASubstreamIdBeyondSsidsizeIsIll() {
        SmmuCapabilities narrow = ALL.toBuilder().sidBits(8).ssidBits(4).build();
        SmmuFixture f = new SmmuFixture(narrow);
        // what memory holds beyond the stream table is never loaded
        f.writeSte(0x100, org.iommusim.protocol.config.Ste.bypass());
        f.writeSte(0x01, org.iommusim.protocol.config.Ste.bypass());
        assertNull(f.submit(new CfgiSte(0x100, true), new CfgiSte(0x100, false),
                new org.iommusim.protocol.command.CfgiSteRange(0x100, 3), new CfgiCd(0x100, 0, true),
                new org.iommusim.protocol.command.CfgiCdAll(0x1_0000), new PrefetchConfig(0x100, false, 0),
                CmdSync.poll()));
        assertFalse(f.state.queue().halted(), "no CERROR: " + f.state.queue().error());
        assertEquals(7, f.state.queue().cons(), "every entry consumed");
        assertTrue(f.state.config().streams().isEmpty(), "no configuration loaded for an out-of-range StreamID");
        for (SmmuChange e : f.journal) {
            if (e instanceof SmmuChange.Consumed c) {
                assertTrue(c.loads().isEmpty(), "nothing loaded: " + c.loads());
            }
        }
        // CFGI_ALL still reaches the streams in range
        assertNull(f.submit(new org.iommusim.protocol.command.CfgiSteRange(0, 31), CmdSync.poll()));
        assertEquals(org.iommusim.protocol.config.Ste.bypass(), f.effective(0x01).ste());
        assertEquals("CFGI_CD: SubstreamID 0x10 is beyond the advertised 4-bit SubstreamIDs",
                refusedWith(narrow, new CfgiCd(1, 0x10, true)));
        accepted(narrow, new CfgiCd(0xFF, 0xF, true));
    }

    /** Arm IHI 0070, 4.3.3 CMD_CFGI_CD and 4.3.4 CMD_CFGI_CD_ALL: "raises CERROR_ILL when stage 1 is not implemented". */
    @Test
    void cfgiCdOnAnSmmuWithoutStage1IsIll() {
        SmmuCapabilities s2Only = ALL.toBuilder().stage1(false).build();
        assertEquals("CFGI_CD: CFGI_CD is a stage-1 invalidation on an SMMU without stage 1",
                refusedWith(s2Only, new CfgiCd(1, 0, true)));
        assertEquals("CFGI_CD_ALL: CFGI_CD_ALL is a stage-1 invalidation on an SMMU without stage 1",
                refusedWith(s2Only, new org.iommusim.protocol.command.CfgiCdAll(1)));
        accepted(s2Only, new CfgiSte(1, true));
        accepted(ALL, new CfgiCd(1, 0, true));
    }

    @Test
    void stage1InvalidationOnAnSmmuWithoutStage1() {
        SmmuCapabilities s2Only = ALL.toBuilder().stage1(false).build();
        assertEquals("TLBI_NH_VA: TLBI_NH_VA is a stage-1 invalidation on an SMMU without stage 1",
                refusedWith(s2Only, TlbiNhVa.of(0, 1, 0x1000, true)));
        refusedWith(s2Only, new TlbiNhAsid(0, 1));
        refusedWith(s2Only, new TlbiNhAll(0));
        accepted(s2Only, TlbiS2Ipa.of(0, 0x1000, true));
    }

    @Test
    void stage2InvalidationOnAnSmmuWithoutStage2() {
        SmmuCapabilities s1Only = ALL.toBuilder().stage2(false).build();
        assertTrue(refusedWith(s1Only, TlbiS2Ipa.of(0, 0x1000, true)).contains("stage-2 invalidation on an SMMU without stage 2"));
        refusedWith(s1Only, new TlbiS12Vmall(0));
        accepted(s1Only, TlbiNhVa.of(0, 1, 0x1000, true));
    }

    @Test
    void rangeInvalidationNeedsRilAndTheGranule() {
        TlbiNhVa ranged = new TlbiNhVa(0, 1, 0, true, TlbiRange.of(Granule.G16K, 1, 0, 3));
        assertTrue(refusedWith(ALL.toBuilder().ril(false).build(), ranged).contains("without RIL (IDR3.RIL=0)"));
        assertTrue(refusedWith(ALL.toBuilder().granules(java.util.EnumSet.of(Granule.G4K)).build(), ranged)
                .contains("range granule 16K is not supported"));
        accepted(ALL, ranged);
    }

    @Test
    void tagsWiderThanAdvertised() {
        SmmuCapabilities eightBit = ALL.toBuilder().asidBits(8).vmidBits(8).build();
        assertTrue(refusedWith(eightBit, new TlbiNhAsid(0, 0x100)).contains("ASID 0x100 exceeds the advertised 8-bit"));
        assertTrue(refusedWith(eightBit, new TlbiS12Vmall(0x100)).contains("VMID 0x100 exceeds the advertised 8-bit"));
    }

    @Test
    void el2AndEl3InvalidationsWithoutTheFeature() {
        assertTrue(refusedWith(ALL, new TlbiEl2All()).contains("without EL2 support (IDR0.HYP=0)"));
        assertTrue(refusedWith(ALL, new TlbiEl2Va(1, 0x1000, true, TlbiRange.NONE)).contains("IDR0.HYP=0"));
        assertTrue(refusedWith(ALL, new TlbiEl3All()).contains("only valid on a Secure command queue"));
        accepted(ALL.toBuilder().hyp(true).build(), new TlbiEl2All());
        accepted(ALL.toBuilder().secure(true).build(), new TlbiEl3All());
    }

    @Test
    void atsPriAndStallCommandsAreIllWithoutTheFeatureAndCompleteAtOnceWithIt() {
        AtcInv atc = new AtcInv(1, false, 0, false, 52, 0);
        PriResp pri = new PriResp(1, false, 0, 3, PriResponse.SUCC);
        Resume resume = new Resume(1, ResumeAction.RETRY, 7);
        StallTerm term = new StallTerm(1);
        assertEquals("ATC_INV: ATC_INV on an SMMU without ATS (IDR0.ATS=0)", refusedWith(ALL, atc));
        assertEquals("PRI_RESP: PRI_RESP on an SMMU without PRI (IDR0.PRI=0)", refusedWith(ALL, pri));
        assertEquals("RESUME: RESUME on an SMMU without stall support", refusedWith(ALL, resume));
        assertEquals("STALL_TERM: STALL_TERM on an SMMU without stall support", refusedWith(ALL, term));
        SmmuCapabilities full = ALL.toBuilder().ats(true).pri(true).stall(true).build();
        accepted(full, atc);
        accepted(full, pri);
        accepted(full, resume);
        accepted(full, term);
    }

    @Test
    void prefetchIsAHintThatDoesNothing() {
        SmmuFixture f = new SmmuFixture(ALL);
        f.writeSte(1, org.iommusim.protocol.config.Ste.bypass());
        assertNull(f.submit(new PrefetchConfig(1, false, 0), new PrefetchAddr(1, false, 0, 2, 0x1000), CmdSync.poll()));
        assertEquals(3, f.state.queue().cons());
        assertEquals(org.iommusim.protocol.config.Ste.invalid(), f.effective(1).ste(),
                "a prefetch does not make a written STE effective");
    }
}
