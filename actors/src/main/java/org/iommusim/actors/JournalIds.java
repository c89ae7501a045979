package org.iommusim.actors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;

/**
 * The persistence ids a journal holds, so a restarted model can recover
 * every entity (domains, streams) before serving anything.
 *
 * <p>It asks the LevelDB journal itself, as Pekko's LevelDB read journal
 * does: that read journal refuses any write journal whose configured class
 * is not exactly Pekko's, and the project's journal is the guarded subclass
 * ({@code GuardedLeveldbJournal}). The journal lists tags as ids starting
 * with {@code $$$}; they are left out.
 */
@SuppressWarnings("deprecation") // Pekko deprecates its LevelDB journal, the project's default store
public final class JournalIds {
    private JournalIds() {}

    public static List<String> current(ActorSystem<?> system, Duration timeout) {
        var journal = Persistence.get(Adapter.toClassic(system)).journalFor("", com.typesafe.config.ConfigFactory.empty());
        Object reply = Patterns.ask(journal, LeveldbJournal.SubscribeAllPersistenceIds$.MODULE$, timeout)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        List<String> ids = new ArrayList<>();
        for (String id : scala.jdk.javaapi.CollectionConverters.asJava(
                ((LeveldbJournal.CurrentPersistenceIds) reply).allPersistenceIds())) {
            if (!id.startsWith("$$$")) {
                ids.add(id);
            }
        }
        return ids;
    }
}
