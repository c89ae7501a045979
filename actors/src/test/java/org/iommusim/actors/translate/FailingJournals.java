package org.iommusim.actors.translate;

import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.concurrent.Promise;

/** Journal plugins that fail on purpose, for the IOTLB shard's failure paths. */
final class FailingJournals {
    private FailingJournals() {}

    /** Recovery fails after half a second (so work arrives while it is under way). */
    public static final class FailingRecovery extends Empty {
        @Override
        public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
            Promise<Long> p = Promise.apply();
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.failure(new IllegalStateException("the test journal refuses recovery"));
            });
            t.setDaemon(true);
            t.start();
            return p.future();
        }
    }

    /** Recovers an empty journal, then refuses every write. */
    public static final class FailingWrites extends Empty {
        @Override
        public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
            return Promise.<Iterable<Optional<Exception>>>failed(
                    new IllegalStateException("the test journal refuses writes")).future();
        }
    }

    /** Recovers an empty journal and holds every write unanswered until the test fails them. */
    public static final class HeldWrites extends Empty {
        static final java.util.concurrent.LinkedBlockingQueue<Promise<Iterable<Optional<Exception>>>> HELD =
                new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
            Promise<Iterable<Optional<Exception>>> p = Promise.apply();
            HELD.add(p);
            return p.future();
        }
    }

    /** An empty journal that accepts nothing. */
    public abstract static class Empty extends AsyncWriteJournal {
        @Override
        public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
            return Promise.<Iterable<Optional<Exception>>>failed(new IllegalStateException("no writes")).future();
        }

        @Override
        public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
            return Promise.<Void>successful(null).future();
        }

        @Override
        public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr,
                long max, Consumer<PersistentRepr> replayCallback) {
            return Promise.<Void>successful(null).future();
        }

        @Override
        public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
            return Promise.successful(0L).future();
        }
    }
}
