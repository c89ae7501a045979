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
    private final EventKeys keys;
    private JournalEvent next;

    EventCursor(DBIterator it, List<Range> ranges, PayloadDecoder decoder) {
        this.it = it;
        this.ranges = ranges.iterator();
        this.decoder = decoder;
        this.keys = new EventKeys(it);
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (current == null) {
                if (!ranges.hasNext()) {
                    return false;
                }
                current = ranges.next();
                keys.start(current.nid(), Math.max(1, current.from()), current.to());
            }
            Map.Entry<byte[], byte[]> e = keys.next();
            if (e == null) {
                current = null;
            } else {
                next = decoder.event(e.getValue(), current.persistenceId(), JournalKey.sequenceNr(e.getKey()));
            }
        }
        return true;
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
