package org.iommusim.actors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import org.iommusim.actors.exec.DeterministicRuntime;

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

    /**
     * A Persistence Query read journal to list the ids with instead (the JDBC
     * journal's, {@code jdbc-read-journal}); empty for the LevelDB journal.
     */
    public static final String READ_JOURNAL = "iommu-sim.journal.read-journal";

    /** The ids a read journal's {@code currentPersistenceIds} lists, tags left out as above. */
    private static CompletionStage<List<String>> fromReadJournal(ActorSystem<?> system, String pluginId) {
        var query = org.apache.pekko.persistence.query.PersistenceQuery.get(Adapter.toClassic(system))
                .getReadJournalFor(org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery.class,
                        pluginId);
        return query.currentPersistenceIds().filter(id -> !id.startsWith("$$$"))
                .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system);
    }

    /**
     * Waits at most {@code timeout}: in wall-clock time, or, in a system a
     * {@link DeterministicRuntime} drives, by running it on this thread for
     * at most that much virtual time.
     */
    public static List<String> current(ActorSystem<?> system, Duration timeout) {
        var runtime = DeterministicRuntime.of(system);
        if (runtime.isPresent()) {
            return runtime.get().await(currentAsync(system, timeout), "the journal's persistence ids", timeout);
        }
        try {
            return currentAsync(system, timeout).toCompletableFuture()
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof IllegalStateException s ? s : e;
        }
    }

    /**
     * The ids, once the journal has listed them. Completed on the thread that
     * delivers the journal's answer: Pekko's ask answers with Scala's
     * CompletableFuture, whose {@code thenApply} runs on the common pool (a new
     * thread per callback on one or two cores), which a deterministic model
     * must never depend on.
     */
    public static CompletionStage<List<String>> currentAsync(ActorSystem<?> system, Duration timeout) {
        String readJournal = system.settings().config().getString(READ_JOURNAL);
        if (!readJournal.isEmpty()) {
            return fromReadJournal(system, readJournal);
        }
        var journal = Persistence.get(Adapter.toClassic(system)).journalFor("", com.typesafe.config.ConfigFactory.empty());
        java.util.concurrent.CompletableFuture<List<String>> out = new java.util.concurrent.CompletableFuture<>();
        // first whether the plugin runs at all: one that refused to open (a full disk, a missing CURRENT) has
        // stopped, and a question to it would be a dead letter answered by a timeout; Identify is answered either way
        Patterns.ask(journal, new org.apache.pekko.actor.Identify("journal"), timeout).whenCompleteAsync((id, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            } else if (((org.apache.pekko.actor.ActorIdentity) id).getActorRef().isEmpty()) {
                out.completeExceptionally(new IllegalStateException("the journal is not running: " + whyNot(system)));
            } else {
                list(journal, timeout, out);
            }
        }, Runnable::run);
        return out;
    }

    /** Why the LevelDB journal plugin stopped, as it recorded it for its directory (or where to look). */
    private static String whyNot(ActorSystem<?> system) {
        var config = system.settings().config();
        String plugin = config.getString("pekko.persistence.journal.plugin");
        if (!config.hasPath(plugin + ".dir")) {
            return "its plugin " + plugin + " failed to start (see the log)";
        }
        java.nio.file.Path dir = java.nio.file.Paths.get(config.getString(plugin + ".dir"));
        return org.iommusim.persistence.journal.JournalHealth.failure(dir)
                .orElse("its plugin failed to start in " + dir + " (see the log)");
    }

    private static void list(org.apache.pekko.actor.ActorRef journal, Duration timeout,
            java.util.concurrent.CompletableFuture<List<String>> out) {
        Patterns.ask(journal, LeveldbJournal.SubscribeAllPersistenceIds$.MODULE$, timeout).whenCompleteAsync((reply, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
                return;
            }
            List<String> ids = new ArrayList<>();
            for (String id : scala.jdk.javaapi.CollectionConverters.asJava(
                    ((LeveldbJournal.CurrentPersistenceIds) reply).allPersistenceIds())) {
                if (!id.startsWith("$$$")) {
                    ids.add(id);
                }
            }
            out.complete(ids);
        }, Runnable::run);
    }
}
