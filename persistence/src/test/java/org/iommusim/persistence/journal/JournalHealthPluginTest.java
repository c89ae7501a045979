package org.iommusim.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;

/**
 * A journal without a directory (the cluster's SQL journal) reports by its
 * plugin in its ActorSystem: two systems of one name are two journals, the
 * first reason is kept and told once, and the record ends with its system.
 */
class JournalHealthPluginTest {
    @Test
    void aPluginsFailureIsItsSystemsAloneToldOnceAndGoneWithTheSystem() throws Exception {
        ActorSystem a = ActorSystem.create("node", ConfigFactory.parseString("pekko.loglevel = WARNING"));
        ActorSystem b = ActorSystem.create("node", ConfigFactory.parseString("pekko.loglevel = WARNING"));
        try {
            List<String> heardA = new CopyOnWriteArrayList<>();
            List<String> heardB = new CopyOnWriteArrayList<>();
            AutoCloseable watchA = JournalHealth.onFailure(a, "jdbc-journal", heardA::add);
            AutoCloseable watchB = JournalHealth.onFailure(b, "jdbc-journal", heardB::add);

            assertTrue(JournalHealth.failed(a, "jdbc-journal", "write queue full"));
            assertFalse(JournalHealth.failed(a, "jdbc-journal", "a consequence"), "the first reason is kept");
            assertEquals(List.of("write queue full"), heardA);
            assertEquals(List.of(), heardB, "another system's journal of the same name did not fail");
            assertEquals(Optional.empty(), JournalHealth.failure(a, "jdbc-journal-other"));

            List<String> late = new CopyOnWriteArrayList<>();
            JournalHealth.onFailure(a, "jdbc-journal", late::add).close();
            assertEquals(List.of("write queue full"), late, "a watcher after the failure hears it at once");
            watchA.close();
            watchB.close();
        } finally {
            b.terminate();
            a.terminate();
            a.getWhenTerminated().toCompletableFuture().join();
            b.getWhenTerminated().toCompletableFuture().join();
        }
        // the record went with its system (registerOnTermination runs before getWhenTerminated completes)
        assertEquals(Optional.empty(), JournalHealth.failure(a, "jdbc-journal"));
    }

    /** A write failing while its system shuts down: the watcher still hears it, nothing throws, nothing stays. */
    @Test
    void aFailureAfterItsSystemTerminatedIsToldAndNotKept() {
        ActorSystem a = ActorSystem.create("late", ConfigFactory.parseString("pekko.loglevel = WARNING"));
        List<String> heard = new CopyOnWriteArrayList<>();
        JournalHealth.onFailure(a, "jdbc-journal", heard::add);
        a.terminate();
        a.getWhenTerminated().toCompletableFuture().join();
        assertTrue(JournalHealth.failed(a, "jdbc-journal", "connection closed"), "recorded, not thrown");
        assertEquals(List.of("connection closed"), heard);
        assertEquals(Optional.empty(), JournalHealth.failure(a, "jdbc-journal"), "no record keeps a dead system");
    }
}
