package org.iommusim.persistence.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.SyncCompletion;
import org.iommusim.protocol.event.AccessAttributes;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.Origin;
import org.iommusim.protocol.event.SmmuEvent;
import org.junit.jupiter.api.Test;

class SmmuInterruptsTest {

    private static List<SmmuEvent> faults(int n, int base) {
        List<SmmuEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(FTranslation.stage1(Origin.stream(1), (base + i) * 0x1000L, AccessAttributes.read()));
        }
        return out;
    }

    /** The interrupts of what {@code step} records on {@code f}. */
    private static List<SmmuInterrupt> raised(SmmuFixture f, Runnable step) {
        SmmuState before = f.state;
        int mark = f.journal.size();
        step.run();
        return SmmuInterrupts.raisedBy(before, List.copyOf(f.journal.subList(mark, f.journal.size())));
    }

    @Test
    void writtenRecordsRaiseTheEventQueueInterruptAndLostOnesTheOverflow() {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.builder().eventqs(2).build()); // 4 records
        List<SmmuEvent> first = faults(3, 0);
        assertEquals(List.of(new SmmuInterrupt.EventQueueWritten(first)),
                raised(f, () -> f.apply(List.of(new SmmuChange.FaultsRecorded(first)))));
        List<SmmuEvent> next = faults(3, 10);
        assertEquals(List.of(new SmmuInterrupt.EventQueueWritten(next.subList(0, 1)),
                new SmmuInterrupt.EventQueueOverflow(2, 2)),
                raised(f, () -> f.apply(List.of(new SmmuChange.FaultsRecorded(next)))));
        assertEquals(List.of(new SmmuInterrupt.EventQueueOverflow(5, 7)),
                raised(f, () -> f.apply(List.of(new SmmuChange.FaultsLost(5)))));
        assertEquals(List.of(), raised(f, () -> f.apply(List.of(new SmmuChange.OverflowAcknowledged()))),
                "reading and acknowledging raise nothing");
    }

    @Test
    void syncsWithIrqOrSevSignalTheirCompletionWithTheCommandsMsiFields() {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.defaults());
        List<SmmuInterrupt> irqs = raised(f, () -> f.submit(CmdSync.poll(),
                new CmdSync(SyncCompletion.IRQ, 3, 0xF, 0xCAFE_F00D, 0x0008_0000_1234L),
                new CmdSync(SyncCompletion.SEV, 0, 0, 0, 0)));
        assertEquals(List.of(
                new SmmuInterrupt.SyncSignalled(1, SyncCompletion.IRQ, 0x0008_0000_1234L, 0xCAFE_F00D, 0xF, 3),
                new SmmuInterrupt.SyncSignalled(2, SyncCompletion.SEV, 0, 0, 0, 0)), irqs);
    }

    @Test
    void aSyncWaitingForAcknowledgementsSignalsOnlyWhenConsumed() {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.defaults());
        f.ackedThrough = 0; // a subscriber owes every TLBI
        List<SmmuInterrupt> early = raised(f, () -> f.submit(
                new org.iommusim.protocol.command.TlbiNhAll(1), CmdSync.irq(0x1000, 7)));
        assertEquals(List.of(), early, "the sync waits, so nothing completes yet");
        f.ackedThrough = Long.MAX_VALUE;
        assertEquals(List.of(new SmmuInterrupt.SyncSignalled(1, SyncCompletion.IRQ, 0x1000, 7, 0, 0)),
                raised(f, f::consume));
    }

    @Test
    void aHaltedQueueRaisesCmdqErr() {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.defaults());
        List<SmmuInterrupt> irqs = raised(f, () -> f.submitRaw(List.of(CmdSync.poll().encode(),
                new RawCommand(0xFF, 0))));
        assertEquals(1, irqs.size(), irqs.toString());
        SmmuInterrupt.GlobalError g = (SmmuInterrupt.GlobalError) irqs.get(0);
        assertEquals(SmmuInterrupt.GlobalErrorKind.CMDQ_ERR, g.kind());
        assertEquals(0, g.kind().bit());
        assertEquals(1, g.index());
        assertEquals(CommandErrorCode.ILL, g.code());
        assertTrue(g.reason().length() > 0);
    }
}
