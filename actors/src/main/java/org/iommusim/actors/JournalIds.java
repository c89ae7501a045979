package org.iommusim.actors;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.journal.leveldb.javadsl.LeveldbReadJournal;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The persistence ids a journal holds, so a restarted model can recover
 * every entity (domains, streams) before serving anything. The LevelDB read
 * journal lists tags as ids starting with {@code $$$}; they are left out.
 */
public final class JournalIds {
    private JournalIds() {}

    public static List<String> current(ActorSystem<?> system, Duration timeout) {
        LeveldbReadJournal journal = PersistenceQuery.get(system)
                .getReadJournalFor(LeveldbReadJournal.class, LeveldbReadJournal.Identifier());
        return journal.currentPersistenceIds()
                .filter(id -> !id.startsWith("$$$"))
                .runWith(Sink.seq(), system)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .join();
    }
}
