package org.iommusim.persistence.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.persistence.cmdq.QueueError;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.junit.jupiter.api.Test;

/** The command queue: order, CERROR_ILL and resume, backpressure, CMD_SYNC waiting. */
class CommandQueueSemanticsTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final Ste S1 = Ste.stage1(0, S1Dss.SSID0);
    private static final Cd CD = Cd.of(5, DomainId.of(1));

    @Test
    void linuxAttachThenDetach() {
        SmmuFixture f = new SmmuFixture(CAPS);
        // attach: write the CD and STE, then CFGI_STE + CMD_SYNC (arm_smmu_write_ste)
        f.writeCd(0x10, 0, CD);
        f.writeSte(0x10, S1);
        assertEquals(Ste.invalid(), f.effective(0x10).ste(), "nothing is in force before the CFGI");
        assertNull(f.submit(new CfgiSte(0x10, false), CmdSync.poll()));
        assertEquals(S1, f.effective(0x10).ste());
        assertEquals(CD, f.effective(0x10).cds().get(0));
        // detach: Linux writes an abort STE, then CFGI_STE + CMD_SYNC
        f.writeSte(0x10, Ste.abort());
        assertNull(f.submit(new CfgiSte(0x10, true), CmdSync.poll()));
        assertEquals(Ste.abort(), f.effective(0x10).ste());
        assertEquals(4, f.state.queue().cons());
        assertEquals(2, f.state.syncsCompleted());
        assertEquals(f.state, f.replay());
    }

    @Test
    void missingCfgiLeavesTheOldConfigInForce() {
        SmmuFixture f = new SmmuFixture(CAPS);
        f.writeSte(7, S1);
        f.submit(new CfgiSte(7, true), CmdSync.poll());
        f.writeSte(7, Ste.bypass());
        f.submit(CmdSync.poll());
        assertEquals(S1, f.effective(7).ste(), "a sync alone does not load the new STE");
        f.submit(new CfgiSte(7, true), CmdSync.poll());
        assertEquals(Ste.bypass(), f.effective(7).ste());
    }

    /** Reference section 8: a CFGI_STE, Leaf=1 or 0, also invalidates the CDs cached for that StreamID. */
    @Test
    void aLeafCfgiSteAlsoDropsTheStreamsCachedCdsAndCfgiCdLoadsOne() {
        SmmuFixture f = new SmmuFixture(CAPS);
        f.writeSte(3, Ste.stage1(4, S1Dss.TERMINATE));
        f.writeCd(3, 1, CD);
        f.submit(new CfgiSte(3, false));
        Cd other = Cd.of(9, DomainId.of(2));
        f.writeCd(3, 1, other);
        f.submit(new CfgiSte(3, true));
        assertEquals(other, f.effective(3).cds().get(1), "a leaf CFGI_STE drops the cached CDs: refetched");
        Cd third = Cd.of(11, DomainId.of(2));
        f.writeCd(3, 1, third);
        f.submit(new CfgiCd(3, 1, true));
        assertEquals(third, f.effective(3).cds().get(1));
    }

    /** A first attach followed by CFGI_STE Leaf=1 alone: the CD, not cached, is fetched from memory (no C_BAD_CD). */
    @Test
    void aFirstAttachWithOnlyALeafCfgiSteFindsItsCd() {
        SmmuFixture f = new SmmuFixture(CAPS);
        f.writeSte(4, Ste.stage1(0, S1Dss.SSID0));
        f.writeCd(4, 0, CD);
        f.submit(new CfgiSte(4, true));
        assertEquals(CD, f.effective(4).cds().get(0));
    }

    @Test
    void illegalEntryHaltsThereAndResumeReplacesItWithASync() {
        SmmuFixture f = new SmmuFixture(CAPS);
        f.writeSte(1, S1);
        f.writeSte(2, Ste.bypass());
        RawCommand bad = new RawCommand(0xFF, 0);
        f.submitRaw(List.of(new CfgiSte(1, true).encode(), bad, new CfgiSte(2, true).encode(), CmdSync.poll().encode()));
        QueueError e = f.state.queue().error();
        assertEquals(1, e.index());
        assertEquals(CommandErrorCode.ILL, e.code());
        assertEquals("unknown opcode 0xff", e.reason());
        assertEquals(1, f.state.queue().cons(), "the consumer stops at the bad entry");
        assertEquals(S1, f.effective(1).ste());
        assertEquals(Ste.invalid(), f.effective(2).ste(), "nothing after the bad entry ran");
        assertTrue(f.state.decideSubmit(List.of(bad)) instanceof SmmuDecision.Accept,
                "the producer may keep writing while the consumer is halted");
        // Linux overwrites the ILL entry with a CMD_SYNC and acknowledges
        f.apply(((SmmuDecision.Accept) f.state.decideResume(CmdSync.poll().encode())).events());
        f.consume();
        assertFalse(f.state.queue().halted());
        assertEquals(4, f.state.queue().cons());
        assertEquals(Ste.bypass(), f.effective(2).ste());
        assertEquals(2, f.state.syncsCompleted(), "the replacement sync and the original one");
        assertEquals(f.state, f.replay());
    }

    @Test
    void resumeWithoutReplacementRetriesTheSameEntry() {
        SmmuFixture f = new SmmuFixture(CAPS);
        f.submitRaw(List.of(new RawCommand(0xFF, 0)));
        f.apply(((SmmuDecision.Accept) f.state.decideResume(null)).events());
        f.consume();
        assertEquals(0, f.state.queue().error().index(), "halts again at the same entry");
        assertTrue(f.state.decideResume(null) instanceof SmmuDecision.Accept);
        assertEquals("the command queue is not halted",
                ((SmmuDecision.Reject) new SmmuFixture(CAPS).state.decideResume(null)).reason());
    }

    @Test
    void fullQueueRefusesTheWholeBatchAndDropsNothing() {
        SmmuFixture f = new SmmuFixture(CAPS.toBuilder().cmdqs(2).build());
        f.ackedThrough = 0; // a subscriber that never acknowledges: the sync waits
        assertNull(f.submit(TlbiNhVa.of(0, 1, 0x1000, true), CmdSync.poll(), new CfgiSte(1, true)));
        assertTrue(f.consume(), "waiting at the CMD_SYNC");
        assertEquals(1, f.state.queue().cons());
        assertEquals(2, f.state.queue().pending().size());
        assertEquals("queue full, 2 free", f.submit(CmdSync.poll(), CmdSync.poll(), CmdSync.poll()));
        assertEquals(2, f.state.queue().pending().size(), "the refused batch left no trace");
        assertNull(f.submit(CmdSync.poll(), CmdSync.poll()));
        assertEquals("queue full, 0 free", f.submit(CmdSync.poll()));
    }

    @Test
    void syncCompletesOnlyWhenEveryEarlierTlbiIsAcknowledged() {
        SmmuFixture f = new SmmuFixture(CAPS);
        f.ackedThrough = 0;
        f.submit(new TlbiNhAsid(0, 1), TlbiNhVa.of(0, 1, 0x2000, true), CmdSync.poll(), new TlbiNhAsid(0, 2));
        assertEquals(2, f.state.queue().cons(), "the two TLBIs are consumed; the sync waits");
        assertEquals(2, f.state.invalidationsIssued());
        f.ackedThrough = 1;
        assertTrue(f.consume(), "one acknowledgement is not enough");
        f.ackedThrough = 2;
        assertFalse(f.consume());
        assertEquals(4, f.state.queue().cons());
        assertEquals(1, f.state.unsynced().size(), "the TLBI after the sync is still unsynced");
        assertEquals(3, f.state.unsynced().get(0).seq());
    }

    @Test
    void batchLimitSplitsConsumptionButKeepsOrder() {
        SmmuFixture f = new SmmuFixture(CAPS);
        SmmuState accepted = f.state.apply(((SmmuDecision.Accept) f.state.decideSubmit(
                java.util.Collections.nCopies(10, CmdSync.poll().encode()))).events().get(0));
        Consumption.Result r = Consumption.run(accepted, f, Long.MAX_VALUE, 4);
        assertEquals(List.of(new SmmuChange.Consumed(4, List.of())), r.events());
    }
}
