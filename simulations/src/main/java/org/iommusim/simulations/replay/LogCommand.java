package org.iommusim.simulations.replay;

import java.io.PrintWriter;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.simulations.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim log --journal DIR [--entity ID] [--from N] [--to N] [--grep TEXT] [--json]}:
 * the recorded events as a timeline, one line each ({@code g=<gsn> [t=<virtual>ns] <persistenceId> #<seq> <text>}),
 * in the model's causal order (the global sequence numbers the events were stamped with when decided;
 * a journal from before stamps: by entity then sequence number, with a note); {@code --json} prints
 * the objects {@code export} writes, in its order.
 */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"Print the events of a recorded journal, one line each: g=<gsn> [t=<ns>ns] <persistenceId> #<seq> <event>.",
                "In causal order (global sequence number); --json: entities in order of their ids, each in sequence order."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:printed (also when nothing matched)", "2:the journal is unusable, or a bad option"})
public final class LogCommand extends JournalCommand {

    @Option(names = "--entity", paramLabel = "ID", description = "only this persistence id, e.g. domain-2, smmu-0, smmu-0/sid-16")
    String entity;

    @Option(names = "--from", paramLabel = "N", description = "first sequence number (default 1)")
    long from = 1;

    @Option(names = "--to", paramLabel = "N", description = "last sequence number (default: the last)")
    long to = Long.MAX_VALUE;

    @Option(names = "--grep", paramLabel = "TEXT",
            description = "only events whose text line contains TEXT (case-sensitive; also filters --json)")
    String grep;

    @Option(names = "--json", description = "one JSON object per event instead of text")
    boolean json;

    @Override
    protected int run(JournalReader reader, PrintWriter out) {
        if (from < 1 || to < from) {
            throw new UserError("--from " + from + " --to " + (to == Long.MAX_VALUE ? "(last)" : to)
                    + " is not a range of sequence numbers (1 <= from <= to)");
        }
        EventRenderers renderers = EventRenderers.standard();
        Timeline timeline = new Timeline(renderers);
        String pid = entity == null ? null : entity(reader, entity);
        boolean stamped = stampedOrNote(reader);
        if (pid == null && !json && stamped) {
            try (CausalOrder order = new CausalOrder(reader, renderers)) {
                for (CausalOrder.Step s = order.next(); s != null; s = order.next()) {
                    print(s.event(), s.before(), renderers, out);
                }
            }
            return 0;
        }
        // an SMMU's lines are numbered by queue index: its events before --from must be folded too
        long readFrom = pid != null && timeline.needsHistory(pid) ? 1 : from;
        try (EventCursor events = pid != null ? reader.events(pid, readFrom, to) : reader.allEvents()) {
            while (events.hasNext()) {
                JournalEvent e = events.next();
                Object before = timeline.before(e);
                print(e, before, renderers, out);
            }
        }
        return 0;
    }

    private void print(JournalEvent e, Object before, EventRenderers renderers, PrintWriter out) {
        if (e.sequenceNr() < from || e.sequenceNr() > to) {
            return;
        }
        String line = renderers.line(e, before);
        if (grep != null && !line.contains(grep)) {
            return;
        }
        out.println(json ? renderers.json(e, before).toString() : CausalOrder.prefix(e) + line);
    }
}
