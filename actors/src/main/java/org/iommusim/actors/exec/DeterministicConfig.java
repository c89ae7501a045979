package org.iommusim.actors.exec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko settings that put a whole ActorSystem on one
 * {@link DeterministicRuntime}: every dispatcher Pekko, Pekko Persistence,
 * Pekko Streams and the model would start (each of which would otherwise own
 * threads) becomes a plain {@code Dispatcher} on the runtime's executor; the
 * scheduler is the virtual one; the LevelDB journal and local snapshot store
 * are Pekko's own, their records and files stamped with virtual time
 * ({@link DeterministicMessageSerializer}, {@link DeterministicSnapshotStore});
 * nothing hooks the JVM's
 * shutdown (a hook thread could not drive the runtime).
 */
public final class DeterministicConfig {
    /**
     * Every dispatcher a model's ActorSystem can look up. Overriding the
     * definitions, not only the settings that point at them, also catches a
     * plugin or library that names one of them directly.
     */
    public static final List<String> DISPATCHERS = List.of(
            "pekko.actor.default-dispatcher",
            "pekko.actor.internal-dispatcher",
            "pekko.actor.default-blocking-io-dispatcher",
            "pekko.io.pinned-dispatcher",
            "pekko.persistence.dispatchers.default-plugin-dispatcher",
            "pekko.persistence.dispatchers.default-replay-dispatcher",
            "pekko.persistence.dispatchers.default-stream-dispatcher",
            "iommu-sim.translation-dispatcher");

    /** Settings that name a dispatcher, each pointed at one defined above. */
    private static final Map<String, String> POINTERS = Map.of(
            "pekko.loggers-dispatcher", "pekko.actor.default-dispatcher",
            "pekko.persistence.journal.leveldb.plugin-dispatcher",
            "pekko.persistence.dispatchers.default-plugin-dispatcher",
            "pekko.persistence.journal.leveldb.replay-dispatcher",
            "pekko.persistence.dispatchers.default-replay-dispatcher",
            "pekko.persistence.snapshot-store.local.plugin-dispatcher",
            "pekko.persistence.dispatchers.default-plugin-dispatcher",
            "pekko.persistence.snapshot-store.local.stream-dispatcher",
            "pekko.persistence.dispatchers.default-stream-dispatcher",
            "pekko.stream.materializer.dispatcher", "pekko.actor.default-dispatcher",
            "pekko.stream.materializer.blocking-io-dispatcher", "pekko.actor.default-blocking-io-dispatcher",
            "pekko.stream.blocking-io-dispatcher", "pekko.actor.default-blocking-io-dispatcher");

    private static final String JOURNAL = "pekko.persistence.journal.leveldb";

    private DeterministicConfig() {}

    /**
     * The overrides for the runtime {@code runtimeId}; layer them over the
     * application's configuration ({@code overrides.withFallback(app)}).
     *
     * @param throughput messages an actor handles per turn: large for speed
     *                   in FIFO order, 1 when a seed interleaves turns, so that
     *                   every message is a point where another actor may run
     */
    public static Config overrides(String runtimeId, int throughput) {
        if (throughput < 1) {
            throw new IllegalArgumentException("throughput must be at least 1, got " + throughput);
        }
        Map<String, Object> m = new HashMap<>();
        m.put(RuntimeRegistry.ID_PATH, runtimeId);
        m.put("pekko.scheduler.implementation", VirtualTimeScheduler.class.getName());
        for (String d : DISPATCHERS) {
            m.put(d + ".type", "Dispatcher");
            m.put(d + ".executor", CallerDrivenExecutorConfigurator.class.getName());
            m.put(d + ".throughput", throughput);
            // a deadline would read System.nanoTime inside every turn (Mailbox.processMailbox)
            m.put(d + ".throughput-deadline-time", "0ms");
        }
        m.putAll(POINTERS);
        m.put("pekko.actor.serializers.iommu-sim-deterministic-message", DeterministicMessageSerializer.class.getName());
        m.put("pekko.actor.serialization-bindings.\"org.apache.pekko.persistence.serialization.Message\"",
                "iommu-sim-deterministic-message");
        m.put("pekko.logging-filter", DeterministicLoggingFilter.class.getName());
        // The LevelDB journal writes synchronously in the journal actor's turn, so its write future is complete
        // when the circuit breaker sees it: the call timeout (a timer scheduled and cancelled per write) can never
        // fire, and a zero timeout is Pekko's switch for "no timer" (CircuitBreaker.callThrough).
        m.put(JOURNAL + ".circuit-breaker.call-timeout", "0s");
        // Write responses go straight to the writer, not through the journal's resequencer child (N+1 more
        // messages and a turn per write). Each writer still gets its own responses in order (one callback tells
        // them one after another), and the order across writers is the executor's: FIFO, or the seed's choice.
        m.put(JOURNAL + ".write-response-global-order", "off");
        // ... and not through the write future's callbacks either: the write completes in the journal's turn,
        // which answers it there, in the same order (an executor task and its hop fewer per write)
        m.put(JOURNAL + "." + org.iommusim.persistence.journal.GuardedLeveldbJournal.IN_TURN, "on");
        // the record serializer stamps virtual time (DeterministicMessageSerializer): no wall-clock read per record
        m.put(JOURNAL + "." + org.iommusim.persistence.journal.GuardedLeveldbJournal.SERIALIZER_STAMPS_TIME, "on");
        m.put("pekko.persistence.snapshot-store.local.class", DeterministicSnapshotStore.class.getName());
        // a JVM shutdown hook runs on its own thread and would wait for a system nobody drives
        m.put("pekko.jvm-shutdown-hooks", "off");
        m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        return ConfigFactory.parseMap(m, "iommu-sim deterministic runtime " + runtimeId);
    }
}
