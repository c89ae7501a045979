package org.iommusim.persistence.translate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;

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
 * request. Contexts are never kept across bursts: they hold the page-table
 * views a miss walks, which a map replaces.
 */
public final class ShardTranslator {
    private final SmmuCapabilities caps;
    private final DomainLookup domains;
    private final List<IotlbEvent> fills;
    private final Map<Integer, StreamCounters> streams = new HashMap<>();
    private int lastSid;
    private StreamCounters last;

    /** @param fills where misses' IOTLB events go, for the owner to persist */
    public ShardTranslator(SmmuCapabilities caps, DomainLookup domains, List<IotlbEvent> fills) {
        this.caps = caps;
        this.domains = domains;
        this.fills = fills;
    }

    /** One request, with how it was answered. A fault is in the outcome; the caller records it. */
    public Outcome translate(TranslationRequest r, ConfigCache config, IotlbShard shard) {
        StreamContext context = ConfigResolution.resolve(r, caps, config.effective(r.sid()), domains);
        Outcome o = TranslationEngine.translate(r, context, shard);
        fills.addAll(o.fills());
        counters(r.sid()).count(o);
        return o;
    }

    /**
     * Answers, in the burst, every request {@code i} with {@code lanes[i] == lane}
     * (every request when {@code lanes} is null) and adds their faults to
     * {@code faults}. Returns how many requests it answered.
     */
    public int translate(TranslationBurst b, byte[] lanes, int lane, ConfigCache config, IotlbShard shard,
            List<SmmuEvent> faults) {
        int n = b.size();
        int answered = 0;
        StreamContext context = null;
        int sid = 0;
        int ssid = 0;
        StreamCounters counters = null;
        for (int i = 0; i < n; i++) {
            if (lanes != null && lanes[i] != lane) {
                continue;
            }
            answered++;
            if (context == null || b.sid(i) != sid || b.ssidOrNone(i) != ssid) {
                sid = b.sid(i);
                ssid = b.ssidOrNone(i);
                boolean ssv = ssid != TranslationBurst.NO_SSID;
                context = ConfigResolution.resolve(sid, ssv, ssv ? ssid : 0, caps, config.effective(sid), domains);
                counters = counters(sid);
            }
            Outcome o = TranslationEngine.translateInto(b, i, context, shard);
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
        return answered;
    }

    /** Per-stream counters so far, keyed by StreamID. */
    public Map<Integer, StreamStats> streamStats() {
        Map<Integer, StreamStats> out = new HashMap<>();
        streams.forEach((sid, c) -> out.put(sid, c.snapshot()));
        return out;
    }

    private StreamCounters counters(int sid) {
        if (last == null || sid != lastSid) {
            last = streams.computeIfAbsent(sid, k -> new StreamCounters());
            lastSid = sid;
        }
        return last;
    }
}
