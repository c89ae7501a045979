package org.iommusim.simulations.replay;

import java.io.PrintWriter;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.protocol.bits.Hex;
import org.iommusim.simulations.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim trace --journal DIR --iova ADDR [--sid SID]}: every event
 * that touched an address, in the model's causal order (each line starts
 * with the event's global sequence number and virtual time; a journal from
 * before stamps: entity by entity, with a note): maps and
 * unmaps of it, IOTLB fills and invalidations covering it, TLBIs submitted and
 * consumed for it, faults at it, and with {@code --sid} the stream's STE/CD
 * writes and configuration loads, leaving out the maps, unmaps and IOTLB
 * fills of domains the stream was never configured with ({@link StreamContexts}). It answers "why did this DMA fault, or hit
 * a stale entry?" and is what the checker's violation reports point to.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Every recorded event that touched an address: maps, unmaps, IOTLB fills and invalidations, "
                + "TLBIs, faults (and with --sid, the stream's configuration)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:traced (possibly nothing)", "2:the journal or the arguments are unusable"})
public final class TraceCommand extends JournalCommand {

    @Option(names = "--iova", required = true, paramLabel = "ADDR", description = "the address, hex (0x optional)")
    String iova;

    @Option(names = "--sid", paramLabel = "SID", description = {"also the configuration of this StreamID (decimal or 0x hex);",
            "leaves out other domains' maps, unmaps and IOTLB fills"})
    String sid;

    @Override
    protected int run(JournalReader reader, PrintWriter out) {
        long address;
        try {
            address = Hex.parseWord(iova);
        } catch (NumberFormatException e) {
            throw new UserError("--iova: " + e.getMessage());
        }
        Integer stream = sid == null ? null : parseSid(sid);
        StreamContexts mine = stream == null ? null : StreamContexts.of(reader, stream);
        if (mine != null && !mine.known()) {
            throw new UserError("--sid: no STE or CD of StreamID 0x" + Integer.toHexString(stream)
                    + " was ever written in this journal");
        }
        java.util.function.Predicate<org.iommusim.protocol.command.TlbiCommand> concerns =
                mine == null ? t -> true : mine::concerns;
        EventRenderers renderers = EventRenderers.standard();
        long found = 0;
        if (stampedOrNote(reader)) {
            try (CausalOrder order = new CausalOrder(reader, renderers)) {
                for (CausalOrder.Step s = order.next(); s != null; s = order.next()) {
                    JournalEvent e = s.event();
                    if (AddressTouch.touches(e, s.before(), address, stream, concerns) && (mine == null || !mine.otherDomain(e))) {
                        out.println(CausalOrder.prefix(e) + renderers.line(e, s.before()));
                        found++;
                    }
                }
            }
        } else {
            Timeline timeline = new Timeline(renderers);
            try (EventCursor events = reader.allEvents()) {
                while (events.hasNext()) {
                    JournalEvent e = events.next();
                    Object before = timeline.before(e);
                    if (AddressTouch.touches(e, before, address, stream, concerns) && (mine == null || !mine.otherDomain(e))) {
                        out.println(renderers.line(e, before));
                        found++;
                    }
                }
            }
        }
        out.println(found == 0 ? "no event touched 0x" + Long.toHexString(address)
                : found + " event(s) touched 0x" + Long.toHexString(address) + (stream == null ? ""
                        : " or stream 0x" + Integer.toHexString(stream)));
        return 0;
    }

    private static int parseSid(String text) {
        try {
            String t = text.strip();
            return t.startsWith("0x") || t.startsWith("0X") ? Integer.parseUnsignedInt(t.substring(2), 16)
                    : Integer.parseUnsignedInt(t);
        } catch (NumberFormatException e) {
            throw new UserError("--sid: '" + text + "' is not a StreamID");
        }
    }
}
