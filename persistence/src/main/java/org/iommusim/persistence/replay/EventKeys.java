package org.iommusim.persistence.replay;

import java.util.Map;
import org.iq80.leveldb.DBIterator;

/**
 * The present event records of one entity's sequence range, raw. An event
 * followed by a deletion mark (journals from Akka 2.3; the mark's key sorts
 * right after its event's) is hidden, as Pekko's replay hides it: each
 * record is held back one step until the next key shows it was not deleted,
 * which avoids a native {@code peekNext} per record.
 */
final class EventKeys {
    private final DBIterator it;
    private int nid;
    private long to;
    private Map.Entry<byte[], byte[]> held;
    private boolean done;

    EventKeys(DBIterator it) {
        this.it = it;
    }

    void start(int nid, long from, long to) {
        this.nid = nid;
        this.to = to;
        this.held = null;
        this.done = false;
        it.seek(JournalKey.event(nid, from).encode());
    }

    /** The next present event record, or null when the range is done. */
    Map.Entry<byte[], byte[]> next() {
        try {
            return read();
        } catch (JournalReadException e) {
            throw e;
        } catch (RuntimeException e) {
            // leveldbjni wraps its DBException (checksum mismatch, I/O error) in a RuntimeException
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new JournalReadException("the journal cannot be read past numeric id " + nid + ": "
                    + cause.getMessage(), e);
        }
    }

    private Map.Entry<byte[], byte[]> read() {
        while (!done && it.hasNext()) {
            Map.Entry<byte[], byte[]> e = it.next();
            byte[] k = e.getKey();
            if (JournalKey.nid(k) != nid || JournalKey.sequenceNr(k) > to) {
                done = true;
                break;
            }
            if (JournalKey.isDeletionMarkKey(k)) {
                if (held != null && JournalKey.sequenceNr(held.getKey()) == JournalKey.sequenceNr(k)) {
                    held = null;
                }
                continue;
            }
            if (!JournalKey.isEventKey(k)) {
                continue;
            }
            Map.Entry<byte[], byte[]> out = held;
            held = e;
            if (out != null) {
                return out;
            }
        }
        done = true;
        Map.Entry<byte[], byte[]> out = held;
        held = null;
        return out;
    }
}
