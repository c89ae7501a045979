package org.iommusim.simulations.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.RangeInvalidation;
import org.iommusim.protocol.command.RangeTarget;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.domain.Granule;

/**
 * What {@code iommu-sim simulate} runs until the simulation engine exists:
 * the command streams a Linux driver sends for an attach and for unmaps with
 * and without range invalidation, encoded to queue entries and decoded back.
 */
public final class Demonstration {
    private final PrintWriter out;

    public Demonstration(PrintWriter out) {
        this.out = out;
    }

    public void run() {
        out.println("iommu-sim demonstration (the simulation engine is not built yet; this shows the protocol layer)");
        out.println();
        out.println("Attach SID 0x10: software writes the STE, then CFGI_STE + CMD_SYNC make it effective:");
        show(List.of(new CfgiSte(0x10, true), CmdSync.poll()));
        for (boolean ril : new boolean[] {true, false}) {
            for (int pages : new int[] {1, 33, 512}) {
                List<TlbiCommand> tlbis = RangeInvalidation.build(RangeTarget.stage1(0, 1), 0x8000_0000L,
                        pages * 4096L, Granule.G4K, true, ril);
                out.printf("%nUnmap %d x 4K at 0x80000000, ASID 1, RIL %s: %d TLBI command(s) + CMD_SYNC%n",
                        pages, ril ? "on" : "off", tlbis.size());
                List<Command> cmds = new ArrayList<>(tlbis.size() > 4 ? tlbis.subList(0, 3) : tlbis);
                cmds.add(CmdSync.poll());
                show(cmds);
                if (tlbis.size() > 4) {
                    out.printf("  ... %d more per-page commands%n", tlbis.size() - 3);
                }
            }
        }
        out.flush();
    }

    private void show(List<? extends Command> commands) {
        for (Command c : commands) {
            RawCommand raw = c.encode();
            out.println("  " + raw.hex() + "  " + CommandCodec.decode(raw).toText());
        }
    }
}
