package org.iommusim.simulations.replay;

import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.ReplayedState;
import org.iommusim.persistence.replay.StateFolder;
import org.iommusim.persistence.replay.StateReplay;

/**
 * An entity's state as of a point of the model's history. Entities have
 * their own sequence numbers; what relates them is the causal stamp each
 * event carries: the global sequence number it was decided at
 * ({@link #seqAtGsn}), exact across entities. A journal written before
 * stamps has only the write time Pekko stores with each event (milliseconds,
 * {@link #seqAt}): an event written in the same millisecond as the moment
 * counts as before it (the model only writes what it has already decided, so
 * a tie is never an event from the future, but two events of one
 * millisecond cannot be ordered).
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

    /** The last sequence number of {@code persistenceId} decided at or before global sequence number {@code gsn}. */
    static long seqAtGsn(JournalReader reader, String persistenceId, long gsn) {
        long last = 0;
        try (EventCursor c = reader.events(persistenceId, 1, Long.MAX_VALUE)) {
            while (c.hasNext()) {
                JournalEvent e = c.next();
                if (e.stamped() && e.stamp().gsn() > gsn) {
                    break;
                }
                last = e.sequenceNr();
            }
        }
        return last;
    }

    /** The state of {@code persistenceId} with every event decided at or before {@code gsn} applied. */
    static <S> S stateAtGsn(JournalReader reader, String persistenceId, long gsn, StateFolder<S> folder) {
        return StateReplay.at(reader, persistenceId, seqAtGsn(reader, persistenceId, gsn), folder).state();
    }

    static <S> S stateAt(JournalReader reader, String persistenceId, long time, StateFolder<S> folder) {
        ReplayedState<S> r = StateReplay.at(reader, persistenceId, seqAt(reader, persistenceId, time), folder);
        return r.state();
    }
}
