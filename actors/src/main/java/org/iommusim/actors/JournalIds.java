package org.iommusim.actors;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.journal.leveldb.javadsl.LeveldbReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.iommusim.actors.exec.DeterministicRuntime;

/**
 * The persistence ids a journal holds, so a restarted model can recover
 * every entity (domains, streams) before serving anything. The LevelDB read
 * journal lists tags as ids starting with {@code $$$}; they are left out.
 */
public final class JournalIds {
    private JournalIds() {}

    /**
     * Waits at most {@code timeout}: in wall-clock time, or, in a system a
     * {@link DeterministicRuntime} drives, by running it on this thread for
     * at most that much virtual time.
     */
    public static List<String> current(ActorSystem<?> system, Duration timeout) {
        var runtime = DeterministicRuntime.of(system);
        if (runtime.isPresent()) {
            return runtime.get().await(currentAsync(system), "the journal's persistence ids", timeout);
        }
        return currentAsync(system).toCompletableFuture()
                .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .join();
    }

    /** The ids, once the read journal has listed them. */
    public static CompletionStage<List<String>> currentAsync(ActorSystem<?> system) {
        LeveldbReadJournal journal = PersistenceQuery.get(system)
                .getReadJournalFor(LeveldbReadJournal.class, LeveldbReadJournal.Identifier());
        return journal.currentPersistenceIds()
                .filter(id -> !id.startsWith("$$$"))
                .runWith(Sink.seq(), system);
    }
}
