package org.iommusim.simulations.replay;

import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.ReplayedState;
import org.iommusim.persistence.replay.StateFolder;
import org.iommusim.persistence.replay.StateReplay;

/**
 * An entity's state as of a moment of another entity's history. Entities
 * have their own sequence numbers; what relates them is the write time Pekko
 * stores with each event (milliseconds). An event written in the same
 * millisecond as the moment counts as before it: the model only writes what
 * it has already decided, so a tie is never an event from the future.
 */
final class EntityAtTime {
    private EntityAtTime() {}

    /** The write time of event {@code seq} of {@code persistenceId} (Long.MIN_VALUE for seq 0: before everything). */
    static long timeOf(JournalReader reader, String persistenceId, long seq) {
        if (seq <= 0) {
            return Long.MIN_VALUE;
        }
        try (EventCursor c = reader.events(persistenceId, seq, seq)) {
            return c.hasNext() ? c.next().timestamp() : Long.MIN_VALUE;
        }
    }

    /** The last sequence number of {@code persistenceId} written at or before {@code time} (0: none). */
    static long seqAt(JournalReader reader, String persistenceId, long time) {
        long last = 0;
        try (EventCursor c = reader.events(persistenceId, 1, Long.MAX_VALUE)) {
            while (c.hasNext()) {
                JournalEvent e = c.next();
                if (e.timestamp() > time) {
                    break;
                }
                last = e.sequenceNr();
            }
        }
        return last;
    }

    static <S> S stateAt(JournalReader reader, String persistenceId, long time, StateFolder<S> folder) {
        ReplayedState<S> r = StateReplay.at(reader, persistenceId, seqAt(reader, persistenceId, time), folder);
        return r.state();
    }
}
