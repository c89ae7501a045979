package org.iommusim.persistence.config;

import java.util.Map;
import java.util.TreeMap;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/**
 * A stream's STE and its CD table (SubstreamID -> CD): what software wrote
 * ("memory", held by the stream entity) or what the SMMU has loaded into its
 * configuration cache ("effective"). Immutable.
 */
public record StreamConfig(Ste ste, Map<Integer, Cd> cds) implements ConfigSource {
    /** What the SMMU sees for a stream nobody configured: zeroed memory, an invalid STE. */
    public static final StreamConfig UNCONFIGURED = new StreamConfig(Ste.invalid(), Map.of());

    /**
     * What a StreamID the stream table does not reach resolves to (beyond LOG2SIZE, or an invalid or
     * too short level-1 descriptor): recognised by identity, it is never stored.
     */
    public static final StreamConfig OUT_OF_RANGE = new StreamConfig(Ste.invalid(), Map.of());

    /** Whether {@code c} is {@link #OUT_OF_RANGE}: the transaction is C_BAD_STREAMID. */
    public static boolean outOfRange(ConfigSource c) {
        return c == OUT_OF_RANGE;
    }

    public StreamConfig {
        if (ste == null) {
            throw new IllegalArgumentException("a stream config needs an STE");
        }
        cds = java.util.Collections.unmodifiableMap(new TreeMap<>(cds));
    }

    @Override
    public Cd cd(int ssid) {
        return cds.get(ssid);
    }

    public StreamConfig withSte(Ste s) {
        return new StreamConfig(s, cds);
    }

    public StreamConfig withCd(int ssid, Cd cd) {
        TreeMap<Integer, Cd> m = new TreeMap<>(cds);
        m.put(ssid, cd);
        return new StreamConfig(ste, m);
    }

    public StreamConfig withCds(Map<Integer, Cd> all) {
        return new StreamConfig(ste, all);
    }
}
