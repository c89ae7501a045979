package org.iommusim.persistence.smmu;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.DecodedCommand;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.SyncCompletion;

/**
 * When an SMMU interrupts: the one rule, applied to recorded changes.
 *
 * <ul>
 *   <li>EVTQ: each write that adds records to the event queue raises it, with
 *       those records (as QEMU's {@code smmuv3_write_eventq} does for every
 *       record that leaves the queue non-empty). Records lost to a full queue
 *       are not written, so they raise {@code EventQueueOverflow} instead.</li>
 *   <li>CMD_SYNC: a consumed CMD_SYNC with CS=IRQ or CS=SEV signals its
 *       completion; CS=NONE is polled, silent.</li>
 *   <li>GERROR: a halt of the command queue raises CMDQ_ERR.</li>
 * </ul>
 *
 * The model has no register file: {@code SMMU_IRQ_CTRL} is taken as having
 * every interrupt enabled, so no rule here depends on it. Pure: the state
 * before and the changes give the interrupts, in the order of the changes.
 */
public final class SmmuInterrupts {
    private SmmuInterrupts() {}

    /** The interrupts {@code changes}, applied in order to {@code before}, raise. */
    public static List<SmmuInterrupt> raisedBy(SmmuState before, List<SmmuChange> changes) {
        List<SmmuInterrupt> out = new ArrayList<>(2);
        SmmuState s = before;
        for (SmmuChange c : changes) {
            SmmuState next = s.apply(c);
            if (c instanceof SmmuChange.FaultsRecorded || c instanceof SmmuChange.FaultsLost) {
                written(s, next, out);
            } else if (c instanceof SmmuChange.Consumed k) {
                for (int i = 0; i < k.count(); i++) {
                    RawCommand raw = s.queue().pending().get(i);
                    if (raw.opcode() == CommandOpcode.CMD_SYNC.code()) {
                        DecodedCommand d = CommandCodec.decode(raw);
                        if (d instanceof CmdSync sync && sync.cs() != SyncCompletion.NONE) {
                            out.add(new SmmuInterrupt.SyncSignalled(s.queue().cons() + i, sync.cs(), sync.msiAddr(),
                                    sync.msiData(), sync.msiAttr(), sync.msh()));
                        }
                    }
                }
            } else if (c instanceof SmmuChange.Halted h) {
                out.add(new SmmuInterrupt.GlobalError(SmmuInterrupt.GlobalErrorKind.CMDQ_ERR, h.index(), h.code(),
                        h.reason()));
            }
            s = next;
        }
        return out;
    }

    private static void written(SmmuState s, SmmuState next, List<SmmuInterrupt> out) {
        // what reached the queue is what the queue holds beyond what it held (nothing is consumed by a write)
        int before = s.events().records().size();
        int after = next.events().records().size();
        if (after > before) {
            out.add(new SmmuInterrupt.EventQueueWritten(next.events().records().subList(before, after)));
        }
        long lost = next.events().lost() - s.events().lost();
        if (lost > 0) {
            out.add(new SmmuInterrupt.EventQueueOverflow(lost, next.events().lost()));
        }
    }
}
