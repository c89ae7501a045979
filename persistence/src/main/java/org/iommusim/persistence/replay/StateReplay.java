package org.iommusim.persistence.replay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
        try {
            reader.records(persistenceId, base + 1, at, fold);
            fold.finish();
        } finally {
            fold.close();
        }
        if (fold.expected != at + 1) {
            throw new JournalReadException(persistenceId + ": event #" + fold.expected + " is missing (deleted, and no"
                    + " snapshot at or before #" + at + " covers it)");
        }
        state = fold.state;
        return new ReplayedState<>(persistenceId, state, at, base, at - base);
    }

    /**
     * The replay loop: checks each event is the next expected one, then
     * decodes and folds it in, one by one or, for a {@link WindowedFolder}, in
     * windows decoded and applied on a second thread while this one reads the
     * next window from LevelDB (reading alone costs about as much as decoding
     * and applying together). Windows are applied strictly in order, one
     * thread owning the state and the decoder; a window that fails is applied
     * one by one instead, so the error names its event.
     */
    private static final class Fold<S> implements RecordSink, AutoCloseable {
        private static final int IN_FLIGHT = 4;
        private final String persistenceId;
        private final StateFolder<S> folder;
        private final WindowedFolder<S> windowed;
        private final ExecutorService applier;
        private final ArrayDeque<Future<?>> inFlight = new ArrayDeque<>();
        private final PayloadDecoder decoder = new PayloadDecoder();
        private List<byte[]> window = new ArrayList<>();
        private final long at;
        private S state;
        private long expected;

        Fold(String persistenceId, StateFolder<S> folder, S state, long expected, long at) {
            this.persistenceId = persistenceId;
            this.folder = folder;
            this.windowed = folder instanceof WindowedFolder<S> w && w.window() > 1 ? w : null;
            this.applier = windowed == null ? null : Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "replay-apply");
                t.setDaemon(true);
                return t;
            });
            this.state = state;
            this.expected = expected;
            this.at = at;
        }

        @Override
        public void accept(long seq, byte[] value) {
            if (seq != expected) {
                finish(); // an undecodable record before the gap is the first problem, so it is the one reported
                throw new JournalReadException(persistenceId + ": event #" + expected + " is missing (next is #"
                        + seq + "; deleted, and no snapshot at or before #" + at + " covers it)");
            }
            expected++;
            if (windowed == null) {
                applyOne(seq, decode(seq, value));
                return;
            }
            window.add(value);
            if (window.size() >= windowed.window()) {
                submit();
            }
        }

        private void submit() {
            List<byte[]> w = window;
            long first = expected - w.size();
            window = new ArrayList<>(windowed.window());
            if (inFlight.size() >= IN_FLIGHT) {
                await(inFlight.removeFirst());
            }
            inFlight.addLast(applier.submit(() -> applyWindow(w, first)));
        }

        private void applyWindow(List<byte[]> values, long first) {
            List<Object> payloads = new ArrayList<>(values.size());
            long seq = first;
            for (byte[] v : values) {
                payloads.add(decode(seq++, v));
            }
            try {
                state = windowed.applyWindow(state, payloads);
            } catch (RuntimeException e) {
                seq = first;
                for (Object p : payloads) {
                    applyOne(seq++, p);
                }
            }
        }

        private Object decode(long seq, byte[] value) {
            Object payload = decoder.payloadOnly(value, persistenceId, seq);
            if (payload instanceof Undecoded u) {
                throw new JournalReadException(persistenceId + " #" + seq + " cannot be decoded: " + u.reason());
            }
            return payload;
        }

        /** Applies what is still buffered and waits until every window is in the state. */
        void finish() {
            if (windowed == null) {
                return;
            }
            if (!window.isEmpty()) {
                submit();
            }
            while (!inFlight.isEmpty()) {
                await(inFlight.removeFirst());
            }
        }

        private static void await(Future<?> f) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JournalReadException("replay interrupted", e);
            }
        }

        private void applyOne(long seq, Object payload) {
            try {
                state = folder.apply(state, payload);
            } catch (StateFolder.WrongKind e) {
                // the location is only spelt out on failure: building it per event would cost more than the fold
                throw new JournalReadException(persistenceId + " #" + seq + " " + e.getMessage(), e);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new JournalReadException(persistenceId + " #" + seq + " cannot be replayed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (applier != null) {
                applier.shutdownNow();
            }
        }
    }
}
