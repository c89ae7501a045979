package org.iommusim.cluster;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The partitions started in one ActorSystem, by SMMU index: each
 * {@link SmmuPartition} registers its model once it has started and removes
 * it when it stops, so an in-JVM embedder can reach it ({@link ClusterNode#hosted}).
 * One per ActorSystem (a Pekko extension), so several nodes in one JVM keep
 * theirs apart.
 */
final class HostedModels implements Extension {
    private final ConcurrentMap<Integer, HostedModel> byIndex = new ConcurrentHashMap<>();

    static HostedModels of(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    void started(int index, HostedModel model) {
        byIndex.put(index, model);
    }

    void stopped(int index, HostedModel model) {
        byIndex.remove(index, model);
    }

    Optional<HostedModel> get(int index) {
        return Optional.ofNullable(byIndex.get(index));
    }

    static final class Id extends ExtensionId<HostedModels> {
        static final Id INSTANCE = new Id();

        @Override
        public HostedModels createExtension(ActorSystem<?> system) {
            return new HostedModels();
        }
    }
}
