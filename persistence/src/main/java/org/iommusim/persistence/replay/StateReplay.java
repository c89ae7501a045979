package org.iommusim.persistence.replay;

import java.util.List;

/**
 * Rebuilds an entity's state at a sequence number the way recovery does:
 * from the latest readable snapshot at or before it (or from the initial
 * state), then every event after that snapshot up to it, through the
 * entity's pure state machine. Refuses, naming the reason, a target past the
 * last event, a gap in the events, or history deleted without a snapshot to
 * cover it.
 */
public final class StateReplay {
    private StateReplay() {}

    public static <S> ReplayedState<S> at(JournalReader reader, String persistenceId, long at, StateFolder<S> folder) {
        if (!reader.contains(persistenceId)) {
            throw new JournalReadException("no entity " + persistenceId + " in the journal");
        }
        // the counter record bounds the target without a scan; missing events show up in the replay loop
        long highest = reader.highestSequenceNr(persistenceId);
        if (at < 0 || at > highest) {
            throw new JournalReadException(persistenceId + " has events up to #" + highest
                    + "; cannot rebuild it at #" + at);
        }
        S state = folder.initial();
        long base = 0;
        List<SnapshotInfo> snapshots = reader.snapshots(persistenceId);
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            SnapshotInfo s = snapshots.get(i);
            if (s.sequenceNr() > at) {
                continue;
            }
            Object payload = reader.readSnapshot(s);
            if (payload instanceof Undecoded) {
                continue; // as Pekko's recovery does: an unreadable snapshot falls back to an older one
            }
            state = folder.restore(payload, "snapshot " + persistenceId + " #" + s.sequenceNr());
            base = s.sequenceNr();
            break;
        }
        long expected = base + 1;
        try (EventCursor events = reader.events(persistenceId, base + 1, at)) {
            while (events.hasNext()) {
                JournalEvent e = events.next();
                if (e.sequenceNr() != expected) {
                    throw new JournalReadException(persistenceId + ": event #" + expected + " is missing (next is #"
                            + e.sequenceNr() + "; deleted, and no snapshot at or before #" + at + " covers it)");
                }
                String where = persistenceId + " #" + e.sequenceNr();
                if (e.payload() instanceof Undecoded u) {
                    throw new JournalReadException(where + " cannot be decoded: " + u.reason());
                }
                state = folder.apply(state, e.payload(), where);
                expected++;
            }
        }
        if (expected != at + 1) {
            throw new JournalReadException(persistenceId + ": event #" + expected + " is missing (deleted, and no"
                    + " snapshot at or before #" + at + " covers it)");
        }
        return new ReplayedState<>(persistenceId, state, at, base, at - base);
    }
}
