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
    public static final ConfigCache EMPTY = new ConfigCache(Map.of(), StreamTable.DEFAULT);

    private final Map<Integer, StreamConfig> streams;
    // the stream table the STEs are found through (its level-1 descriptors for a two-level table)
    private final StreamTable table;

    private ConfigCache(Map<Integer, StreamConfig> streams, StreamTable table) {
        this.streams = streams;
        this.table = table;
    }

    /**
     * The configuration in force for {@code sid}; unconfigured (invalid STE) if never loaded;
     * {@link StreamConfig#OUT_OF_RANGE} if the stream table does not reach it.
     */
    public StreamConfig effective(int sid) {
        if (table != StreamTable.DEFAULT && !table.reaches(sid)) {
            return StreamConfig.OUT_OF_RANGE;
        }
        return streams.getOrDefault(sid, StreamConfig.UNCONFIGURED);
    }

    public StreamTable table() {
        return table;
    }

    public ConfigCache withTable(StreamTable t) {
        return t.equals(table) ? this : new ConfigCache(streams, t);
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
        return new ConfigCache(Collections.unmodifiableMap(next), table);
    }

    public static ConfigCache of(Map<Integer, StreamConfig> streams) {
        return of(streams, StreamTable.DEFAULT);
    }

    public static ConfigCache of(Map<Integer, StreamConfig> streams, StreamTable table) {
        return new ConfigCache(Collections.unmodifiableMap(new HashMap<>(streams)), table);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigCache c && c.streams.equals(streams) && c.table.equals(table);
    }

    @Override
    public int hashCode() {
        return streams.hashCode() * 31 + table.hashCode();
    }

    @Override
    public String toString() {
        return "ConfigCache" + new java.util.TreeMap<>(streams) + (table == StreamTable.DEFAULT ? "" : " " + table);
    }
}
