package org.iommusim.persistence.translate;

import java.util.EnumMap;
import java.util.Map;
import org.iommusim.protocol.event.EventId;

/** One stream's translation counters in one shard: mutable, owned by one translator. Hits are never journaled. */
final class StreamCounters {
    long hits;
    long misses;
    long walks;
    long config;
    private final EnumMap<EventId, Long> faults = new EnumMap<>(EventId.class);

    void count(Outcome o) {
        switch (o.path()) {
            case HIT -> hits++;
            case MISS -> {
                misses++;
                walks += o.walkSteps() > 0 ? 1 : 0;
            }
            case CONFIG -> config++;
        }
        if (o.fault() != null) {
            faults.merge(o.fault().id(), 1L, Long::sum);
        }
    }

    StreamStats snapshot() {
        return new StreamStats(hits, misses, walks, config, Map.copyOf(faults));
    }
}
