package org.iommusim.persistence.replay;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which {@link StateFolder} rebuilds an entity, chosen by its
 * {@link EntityKind} (so {@code smmu-0/sid-2} is a stream, not an SMMU).
 */
public final class StateFolders {
    private static final Map<EntityKind, StateFolder<?>> BY_KIND = new EnumMap<>(EntityKind.class);

    static {
        register(EntityKind.DOMAIN, new DomainFolder());
        register(EntityKind.SMMU, new SmmuFolder());
        register(EntityKind.STREAM, new StreamFolder());
        register(EntityKind.IOTLB, new IotlbFolder());
        register(EntityKind.IDS, new IdsFolder());
        register(EntityKind.TCU, new TcuFolder());
    }

    private StateFolders() {}

    public static synchronized void register(EntityKind kind, StateFolder<?> folder) {
        if (BY_KIND.putIfAbsent(kind, folder) != null) {
            throw new IllegalStateException("a folder for " + kind + " is already registered");
        }
    }

    public static synchronized Optional<StateFolder<?>> forEntity(String persistenceId) {
        return Optional.ofNullable(BY_KIND.get(EntityKind.of(persistenceId)));
    }
}
