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
        Fold<S> fold = new Fold<>(persistenceId, folder, state, base + 1, at);
        reader.payloads(persistenceId, base + 1, at, fold);
        if (fold.expected != at + 1) {
            throw new JournalReadException(persistenceId + ": event #" + fold.expected + " is missing (deleted, and no"
                    + " snapshot at or before #" + at + " covers it)");
        }
        state = fold.state;
        return new ReplayedState<>(persistenceId, state, at, base, at - base);
    }

    /** The replay loop: checks each event is the next expected one, then folds it in. */
    private static final class Fold<S> implements PayloadSink {
        private final String persistenceId;
        private final StateFolder<S> folder;
        private final long at;
        private S state;
        private long expected;

        Fold(String persistenceId, StateFolder<S> folder, S state, long expected, long at) {
            this.persistenceId = persistenceId;
            this.folder = folder;
            this.state = state;
            this.expected = expected;
            this.at = at;
        }

        @Override
        public void accept(long seq, Object payload) {
            if (seq != expected) {
                throw new JournalReadException(persistenceId + ": event #" + expected + " is missing (next is #"
                        + seq + "; deleted, and no snapshot at or before #" + at + " covers it)");
            }
            if (payload instanceof Undecoded u) {
                throw new JournalReadException(persistenceId + " #" + seq + " cannot be decoded: " + u.reason());
            }
            try {
                state = folder.apply(state, payload);
            } catch (StateFolder.WrongKind e) {
                // the location is only spelt out on failure: building it per event would cost more than the fold
                throw new JournalReadException(persistenceId + " #" + seq + " " + e.getMessage(), e);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new JournalReadException(persistenceId + " #" + seq + " cannot be replayed: " + e.getMessage(), e);
            }
            expected++;
        }
    }
}
