package org.iommusim.persistence.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.protocol.config.Cd;

/**
 * The SMMU's configuration cache: the STE and CDs in force for each stream.
 * A write to a stream's memory is invisible here until a CFGI loads it, so a
 * missing CFGI leaves the old configuration in force, as on hardware. This
 * model's cache never evicts, which makes the stale configuration
 * deterministic (a real cache might drop it sooner). Immutable: the SMMU
 * publishes each version to translation as it is.
 */
public final class ConfigCache {
    public static final ConfigCache EMPTY = new ConfigCache(Map.of());

    private final Map<Integer, StreamConfig> streams;

    private ConfigCache(Map<Integer, StreamConfig> streams) {
        this.streams = streams;
    }

    /** The configuration in force for {@code sid}; unconfigured (invalid STE) if never loaded. */
    public StreamConfig effective(int sid) {
        return streams.getOrDefault(sid, StreamConfig.UNCONFIGURED);
    }

    public Map<Integer, StreamConfig> streams() {
        return streams;
    }

    public ConfigCache load(List<ConfigLoad> loads) {
        if (loads.isEmpty()) {
            return this;
        }
        Map<Integer, StreamConfig> next = new HashMap<>(streams);
        for (ConfigLoad l : loads) {
            StreamConfig c = next.getOrDefault(l.sid(), StreamConfig.UNCONFIGURED);
            if (l.ste() != null) {
                c = c.withSte(l.ste());
            }
            if (l.allCds()) {
                c = c.withCds(l.cds());
            } else {
                for (Map.Entry<Integer, Cd> e : l.cds().entrySet()) {
                    c = c.withCd(e.getKey(), e.getValue());
                }
            }
            next.put(l.sid(), c);
        }
        return new ConfigCache(Collections.unmodifiableMap(next));
    }

    public static ConfigCache of(Map<Integer, StreamConfig> streams) {
        return new ConfigCache(Collections.unmodifiableMap(new HashMap<>(streams)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigCache c && c.streams.equals(streams);
    }

    @Override
    public int hashCode() {
        return streams.hashCode();
    }

    @Override
    public String toString() {
        return "ConfigCache" + new java.util.TreeMap<>(streams);
    }
}
