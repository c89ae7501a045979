package org.iommusim.persistence.translate;

import java.util.EnumMap;
import java.util.Map;
import org.iommusim.protocol.event.EventId;

/** Per-stream translation counters of one worker (volatile: hits are never journaled). */
public record StreamStats(long hits, long misses, long walks, long configAnswers, Map<EventId, Long> faults) {
    public static StreamStats zero() {
        return new StreamStats(0, 0, 0, 0, Map.of());
    }

    public StreamStats plus(StreamStats o) {
        EnumMap<EventId, Long> f = new EnumMap<>(EventId.class);
        f.putAll(faults);
        o.faults.forEach((k, v) -> f.merge(k, v, Long::sum));
        return new StreamStats(hits + o.hits, misses + o.misses, walks + o.walks, configAnswers + o.configAnswers, f);
    }
}
