package org.iommusim.actors.exec;

import com.typesafe.config.Config;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the pieces Pekko instantiates by class name (the scheduler, the
 * executor configurators, the journal plugins) find the runtime of their own
 * ActorSystem: the system's configuration holds the runtime's id at
 * {@value #ID_PATH}, and this registry maps ids to live runtimes. One
 * runtime drives one system; two systems in one JVM never share a queue.
 */
final class RuntimeRegistry {
    /** Where a deterministic system's configuration names its runtime. */
    static final String ID_PATH = "iommu-sim.deterministic.runtime-id";

    private static final ConcurrentHashMap<String, DeterministicRuntime> RUNTIMES = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private RuntimeRegistry() {}

    static String register(DeterministicRuntime runtime) {
        String id = "deterministic-" + NEXT.incrementAndGet();
        RUNTIMES.put(id, runtime);
        return id;
    }

    static void unregister(String id) {
        RUNTIMES.remove(id);
    }

    static Optional<DeterministicRuntime> find(Config config) {
        if (!config.hasPath(ID_PATH)) {
            return Optional.empty();
        }
        return Optional.ofNullable(RUNTIMES.get(config.getString(ID_PATH)));
    }

    /** The runtime {@code config} names; a clear error if it names none or one that is closed. */
    static DeterministicRuntime lookup(Config config) {
        if (!config.hasPath(ID_PATH)) {
            throw new IllegalStateException("no " + ID_PATH + " in this ActorSystem's configuration: the deterministic"
                    + " scheduler, executor and journal only work in a system built by DeterministicRuntime");
        }
        String id = config.getString(ID_PATH);
        DeterministicRuntime r = RUNTIMES.get(id);
        if (r == null) {
            throw new IllegalStateException("deterministic runtime " + id + " is not open (closed, or from another"
                    + " JVM's configuration)");
        }
        return r;
    }
}
