package org.iommusim.persistence.replay;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.iq80.leveldb.DBIterator;

/**
 * Streams events straight off a LevelDB iterator, one entity's range after
 * another, decoding each as it is reached: nothing is loaded ahead, so memory
 * stays flat however long the journal. Close it (try-with-resources) to free
 * the native iterator.
 */
public final class EventCursor implements Iterator<JournalEvent>, AutoCloseable {

    /** Sequence numbers {@code [from, to]} of one entity. */
    record Range(int nid, String persistenceId, long from, long to) {}

    private final DBIterator it;
    private final Iterator<Range> ranges;
    private final PayloadDecoder decoder;
    private Range current;
    private JournalEvent next;

    EventCursor(DBIterator it, List<Range> ranges, PayloadDecoder decoder) {
        this.it = it;
        this.ranges = ranges.iterator();
        this.decoder = decoder;
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (current == null) {
                if (!ranges.hasNext()) {
                    return false;
                }
                current = ranges.next();
                it.seek(JournalKey.event(current.nid(), Math.max(1, current.from())).encode());
            }
            next = advance();
            if (next == null) {
                current = null;
            }
        }
        return true;
    }

    /** The next event of the current range, or null when the range is done. */
    private JournalEvent advance() {
        while (it.hasNext()) {
            Map.Entry<byte[], byte[]> e = it.next();
            JournalKey k = JournalKey.decode(e.getKey());
            if (k.persistenceNid() != current.nid() || k.sequenceNr() > current.to()) {
                return null;
            }
            if (!k.isEvent() || deletionMarkFollows(k)) {
                // a deletion mark (journals from Akka 2.3) hides the event before it, as Pekko's replay does
                continue;
            }
            return decoder.event(e.getValue(), current.persistenceId(), k.sequenceNr());
        }
        return null;
    }

    private boolean deletionMarkFollows(JournalKey k) {
        if (!it.hasNext()) {
            return false;
        }
        JournalKey n = JournalKey.decode(it.peekNext().getKey());
        return n.persistenceNid() == k.persistenceNid() && n.sequenceNr() == k.sequenceNr() && n.isDeletionMark();
    }

    @Override
    public JournalEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        JournalEvent e = next;
        next = null;
        return e;
    }

    @Override
    public void close() {
        try {
            it.close();
        } catch (IOException e) {
            // the iterator only frees native memory; nothing to report to a reader
        }
    }
}
