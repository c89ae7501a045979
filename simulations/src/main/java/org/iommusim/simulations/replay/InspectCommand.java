package org.iommusim.simulations.replay;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.iommusim.persistence.replay.EntitySummary;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.SnapshotInfo;
import picocli.CommandLine.Command;

/**
 * {@code iommu-sim inspect --journal DIR}: one row per entity (tag pseudo-ids
 * left out) with its event count, first and last sequence numbers and its
 * snapshots (sequence number and size), then totals, then notes: a log
 * read up to a crash's cut (LAST is then where each entity ends).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List the entities of a recorded journal: event counts, sequence numbers, snapshots.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:listed", "2:the journal is missing, locked, unreadable, damaged or empty"})
public final class InspectCommand extends JournalCommand {

    @Override
    protected int run(JournalReader reader, PrintWriter out) {
        List<SnapshotInfo> snapshots = reader.snapshots();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ENTITY", "EVENTS", "FIRST", "LAST", "SNAPSHOTS"});
        long events = 0;
        long shown = 0;
        for (String pid : reader.persistenceIds()) {
            EntitySummary s = reader.summary(pid).orElseThrow();
            events += s.events();
            List<SnapshotInfo> own = snapshots.stream().filter(x -> x.persistenceId().equals(pid)).toList();
            shown += own.size();
            String snaps = own.isEmpty() ? "-" : own.stream()
                    .map(x -> "#" + x.sequenceNr() + " (" + x.size() + " bytes)").collect(Collectors.joining(", "));
            rows.add(new String[] {pid, Long.toString(s.events()), Long.toString(s.firstSeq()),
                    Long.toString(s.lastSeq()), snaps});
        }
        int[] width = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            // entity left-aligned, numbers right-aligned, snapshots last and free-form
            out.println(String.format("%-" + width[0] + "s  %" + width[1] + "s  %" + width[2] + "s  %" + width[3]
                    + "s  %s", (Object[]) r));
        }
        out.println(reader.persistenceIds().size() + " entities, " + events + " events, " + shown + " snapshots");
        for (String note : reader.findings().notes()) {
            out.println("note: " + note);
        }
        return 0;
    }

    @Override
    protected boolean notesInOutput() {
        return true;
    }
}
