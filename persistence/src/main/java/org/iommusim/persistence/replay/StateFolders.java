package org.iommusim.persistence.replay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which {@link StateFolder} rebuilds an entity, chosen by its persistence id's
 * prefix ({@code domain-} now; {@code smmu-}, stream and IOTLB ids as those
 * entities land). The first matching prefix wins, so register longer ones first.
 */
public final class StateFolders {
    private static final Map<String, StateFolder<?>> BY_PREFIX = new LinkedHashMap<>();

    static {
        register(DomainFolder.PREFIX, new DomainFolder());
    }

    private StateFolders() {}

    public static synchronized void register(String prefix, StateFolder<?> folder) {
        if (BY_PREFIX.putIfAbsent(prefix, folder) != null) {
            throw new IllegalStateException("a folder for '" + prefix + "' is already registered");
        }
    }

    public static synchronized Optional<StateFolder<?>> forEntity(String persistenceId) {
        return BY_PREFIX.entrySet().stream()
                .filter(e -> persistenceId.startsWith(e.getKey()))
                .<StateFolder<?>>map(Map.Entry::getValue)
                .findFirst();
    }
}
