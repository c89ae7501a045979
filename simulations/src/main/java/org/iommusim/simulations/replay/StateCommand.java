package org.iommusim.simulations.replay;

import java.io.PrintWriter;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.ReplayedState;
import org.iommusim.persistence.replay.StateFolder;
import org.iommusim.persistence.replay.StateFolders;
import org.iommusim.persistence.replay.StateReplay;
import org.iommusim.simulations.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim state --journal DIR --entity ID [--at SEQ]}: the entity's
 * state after event {@code SEQ} (default: the last), rebuilt by its own pure
 * state machine from the latest snapshot at or before {@code SEQ}, or from the
 * start. The first line says how it was reached.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = {"Rebuild one entity's state at a sequence number from a recorded journal.",
                "For a domain: its spec, then mapped bytes and digest, then one line per page-table leaf.",
                "For an SMMU (smmu-0): command queue, configuration in force, event queue, invalidations.",
                "For a stream (smmu-0/sid-16): its STE and CDs as written; for a TBU TLB (smmu-0/tbu-0): its geometry and entries."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:printed", "2:the journal is unusable, the entity unknown, or --at out of range"})
public final class StateCommand extends JournalCommand {

    @Option(names = "--entity", required = true, paramLabel = "ID", description = "persistence id, e.g. domain-2")
    String entity;

    @Option(names = "--at", paramLabel = "SEQ", description = "sequence number to stop after (default: the last)")
    Long at;

    @Override
    protected int run(JournalReader reader, PrintWriter out) {
        String pid = entity(reader, entity);
        long last = reader.highestSequenceNr(pid);
        long target = at != null ? at : last;
        if (target < 0 || target > last) {
            throw new UserError("--at " + target + " is outside " + pid + "'s events (#0 is the start, #" + last
                    + " the last)");
        }
        StateFolder<?> folder = StateFolders.forEntity(pid)
                .orElseThrow(() -> new UserError("this build cannot rebuild the state of " + pid
                        + " (no state machine for its kind)"));
        ReplayedState<?> r = StateReplay.at(reader, pid, target, folder);
        out.println(pid + " at #" + r.at() + " of " + last + " ("
                + (r.snapshotSeq() > 0 ? "from snapshot #" + r.snapshotSeq() : "from the start") + ", "
                + r.eventsApplied() + (r.eventsApplied() == 1 ? " event" : " events") + " replayed)");
        StateRenderers.standard().lines(r.state(), out::println);
        return 0;
    }
}
