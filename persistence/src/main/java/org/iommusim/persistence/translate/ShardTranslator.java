package org.iommusim.persistence.translate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.ConfigSource;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.WalkTally;
import org.iommusim.persistence.tcu.WalkTrace;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.WalkDetail;
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * Everything a translation worker does per request, without the actor: the
 * configuration in force, the IOTLB shard, the walk and fill, per-stream
 * counters. Fills go to the owner's write-behind list, faults to the list the
 * caller gives. Pure and single-threaded, so the translation benchmark's floor
 * calls exactly the code the pool runs.
 *
 * <p>A burst (or the part of one this shard serves) is translated against one
 * configuration cache, read once by the caller: a burst is one instant of
 * configuration, so each stream's context is resolved once per burst, not per
 * request. The next burst reuses the last context only while it meets the
 * same configuration cache and the same tables ({@link DomainLookup#version}):
 * a context holds the page-table views a miss walks, which a map replaces.
 */
public final class ShardTranslator {
    private final SmmuCapabilities caps;
    private final DomainLookup domains;
    private final List<IotlbEvent> fills;
    private final Tcu tcu;
    private final StreamMemoryView memory;
    private final boolean configBounded;
    private final Supplier<GuestMemory> guest;
    private final WalkTally tally = new WalkTally();
    private final Map<Integer, StreamCounters> streams = new HashMap<>();
    // the last stream's context, reusable while the configuration, tables and guest memory are the same ones:
    // one for bursts, one for single requests (each keyed by its own stream value)
    private final LastContext lastBurst = new LastContext();
    private final LastContext lastSingle = new LastContext();

    /** A resolved stream context and what it was resolved against. */
    private static final class LastContext {
        private ConfigCache config;
        private long version = -1;
        private GuestMemory guest;
        long stream = -1;
        StreamContext context;
        StreamCounters counters;

        /**
         * Whether a context resolved before still holds against these sources (never with a bounded
         * configuration cache, which changes under other TBUs' translations); they are remembered either way.
         */
        boolean holds(boolean configBounded, long version, ConfigCache config, GuestMemory guest) {
            if (!configBounded && version != -1 && version == this.version && config == this.config
                    && guest == this.guest) {
                return true;
            }
            this.version = version;
            this.config = config;
            this.guest = guest;
            return false;
        }

        void resolved(long stream, StreamContext context, StreamCounters counters) {
            this.stream = stream;
            this.context = context;
            this.counters = counters;
        }
    }

    /** @param fills where misses' IOTLB events go, for the owner to persist */
    public ShardTranslator(SmmuCapabilities caps, DomainLookup domains, List<IotlbEvent> fills) {
        this(caps, domains, fills, null);
    }

    /** @param tcu the SMMU's TCU, whose walk caches misses walk through (shared by every worker); null for none */
    public ShardTranslator(SmmuCapabilities caps, DomainLookup domains, List<IotlbEvent> fills, Tcu tcu) {
        this(caps, domains, fills, tcu, StreamMemoryView.EMPTY);
    }

    /**
     * @param memory the streams' memory (what software wrote), which the TCU reads on a miss of its bounded
     *               configuration cache; unused while the configuration cache is unbounded
     */
    public ShardTranslator(SmmuCapabilities caps, DomainLookup domains, List<IotlbEvent> fills, Tcu tcu,
            StreamMemoryView memory) {
        this(caps, domains, fills, tcu, memory, () -> GuestMemory.NONE);
    }

    /**
     * @param guest the memory in force for guests' own stage-1 tables (a CD with {@code guestTables}), asked
     *              once per request or burst, so a memory the embedder attaches later is used from then on
     */
    public ShardTranslator(SmmuCapabilities caps, DomainLookup domains, List<IotlbEvent> fills, Tcu tcu,
            StreamMemoryView memory, Supplier<GuestMemory> guest) {
        this.guest = guest;
        this.caps = caps;
        this.domains = domains;
        this.fills = fills;
        this.tcu = tcu;
        this.memory = memory;
        this.configBounded = tcu != null && tcu.configBounded();
    }

    /**
     * Where {@code sid}'s configuration is read from: the SMMU's configuration cache ({@code config}, published by
     * the SMMU) when it is unbounded; when the TCU's is bounded, a StreamID the stream table reaches is looked up
     * there (a miss reads {@link #memory}), so an STE rewritten without CFGI_STE is seen old while it stays cached
     * and new once evicted, as on hardware.
     */
    private ConfigSource configOf(ConfigCache config, int sid) {
        StreamConfig inTable = config.effective(sid);
        // lazily: a StreamID beyond SIDSIZE is refused before its STE is looked up
        return configBounded && tcu.readsConfig(inTable) ? tcu.configSource(sid, memory) : inTable;
    }

    /** The TCU misses walk through, or null. */
    public Tcu tcu() {
        return tcu;
    }

    /** The write-behind list this translator's misses add their IOTLB events to. */
    public List<IotlbEvent> fills() {
        return fills;
    }

    /**
     * {@link #translate(TranslationRequest, ConfigCache, IotlbShard)} with the walk's detail in the outcome
     * ({@link Outcome#walk()}: walk-cache hit levels, each descriptor read), for the per-request detailed path.
     */
    public Outcome translateTraced(TranslationRequest r, ConfigCache config, IotlbShard shard) {
        tally.trace = new WalkTrace();
        try {
            Outcome o = translate(r, config, shard);
            return o.walk() != null ? o : o.withWalk(WalkDetail.NONE);
        } finally {
            tally.trace = null;
        }
    }

    /** One request, with how it was answered. A fault is in the outcome; the caller records it. */
    public Outcome translate(TranslationRequest r, ConfigCache config, IotlbShard shard) {
        GuestMemory memoryNow = guest.get();
        // the request's stream in one value: its StreamID, and its SubstreamID if it has one
        long stream = ((long) r.sid() << 32) | (r.ssv() ? (r.ssid() & 0xFFFF_FFFFL) + 1 : 0);
        Outcome o;
        if (lastSingle.holds(configBounded, domains.version(), config, memoryNow) && lastSingle.stream == stream) {
            // resolved from an unbounded configuration cache, which reads nothing on the way: no reads to count
            o = TranslationEngine.translate(r, lastSingle.context, shard, tcu, tally);
        } else {
            ConfigSource source = configOf(config, r.sid());
            StreamContext context = ConfigResolution.resolve(r.sid(), r.ssv(), r.ssid(), caps, source, domains,
                    memoryNow);
            o = TranslationEngine.translate(r, context, shard, tcu, tally).withConfigReads(source.reads());
            lastSingle.resolved(stream, context, counters(r.sid()));
        }
        lastSingle.counters.count(o);
        fills.addAll(o.fills());
        return o;
    }

    /**
     * Answers the requests in slots {@code [from, to)} of a submitted burst
     * (all of it: 0 to its size) and adds their faults to {@code faults}.
     */
    public void translate(TranslationBurst b, int from, int to, ConfigCache config, IotlbShard shard,
            List<SmmuEvent> faults) {
        GuestMemory memoryNow = guest.get();
        boolean reuse = lastBurst.holds(configBounded, domains.version(), config, memoryNow);
        StreamContext context = reuse ? lastBurst.context : null;
        long stream = reuse ? lastBurst.stream : -1;
        StreamCounters counters = reuse ? lastBurst.counters : null;
        for (int j = from; j < to; j++) {
            if (BurstSlots.slotStream(b, j) != stream) {
                stream = BurstSlots.slotStream(b, j);
                int sid = BurstSlots.slotSid(b, j);
                int ssid = BurstSlots.slotSsidOrNone(b, j);
                boolean ssv = ssid != TranslationBurst.NO_SSID;
                context = ConfigResolution.resolve(sid, ssv, ssv ? ssid : 0, caps, configOf(config, sid), domains,
                        memoryNow);
                counters = counters(sid);
                lastBurst.resolved(stream, context, counters);
            }
            Outcome o = TranslationEngine.translateInto(b, j, context, shard, tcu, tally);
            if (o == null) {
                counters.hits++;
                continue;
            }
            fills.addAll(o.fills());
            counters.count(o);
            if (o.fault() != null) {
                faults.add(o.fault());
            }
        }
    }

    /** Per-stream counters so far, keyed by StreamID. */
    public Map<Integer, StreamStats> streamStats() {
        Map<Integer, StreamStats> out = new HashMap<>();
        streams.forEach((sid, c) -> out.put(sid, c.snapshot()));
        return out;
    }

    private StreamCounters counters(int sid) {
        return streams.computeIfAbsent(sid, k -> new StreamCounters());
    }
}
