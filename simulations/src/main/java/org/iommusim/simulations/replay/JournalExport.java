package org.iommusim.simulations.replay;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;

/**
 * The whole log as JSON lines in a stable order (entity, then sequence
 * number), without wall-clock or per-run fields: what {@code export} writes
 * and what a simulation's event digest hashes, so identical runs agree.
 */
public final class JournalExport {
    private JournalExport() {}

    /** Writes every event; returns how many. */
    public static long write(JournalReader reader, Writer w) throws IOException {
        EventRenderers renderers = EventRenderers.standard();
        Timeline timeline = new Timeline(renderers);
        long count = 0;
        try (EventCursor events = reader.allEvents()) {
            while (events.hasNext()) {
                JournalEvent e = events.next();
                w.write(renderers.json(e, timeline.before(e)).toString());
                w.write('\n');
                count++;
            }
        }
        return count;
    }

    /** SHA-256 of {@link #write}'s output, in hex. */
    public static String digest(JournalReader reader) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        MessageDigest d = sha;
        write(reader, new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                d.update(new String(buf, off, len).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void write(String s) {
                d.update(s.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        return HexFormat.of().formatHex(d.digest());
    }
}
