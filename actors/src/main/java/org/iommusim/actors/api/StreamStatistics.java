package org.iommusim.actors.api;

import java.util.Map;
import org.iommusim.protocol.event.EventId;

/**
 * Translation counters of one stream (StreamID) of an SMMU, over all its
 * TBUs' workers, since the model started (volatile: counters are not
 * journaled). Immutable, so safe to share between threads.
 *
 * @param hits          translations answered by a TLB (micro-TLB or main TLB)
 * @param misses        translations that missed both and went to the walker
 * @param walks         misses that read at least one table descriptor (the rest were answered by the TCU's caches)
 * @param configAnswers translations answered by the configuration alone (bypass, abort, a configuration fault)
 * @param faults        faults recorded for this stream, by event type (an unmodifiable map)
 */
public record StreamStatistics(long hits, long misses, long walks, long configAnswers, Map<EventId, Long> faults) {
    /** Copies {@code faults}; a null map is refused. */
    public StreamStatistics {
        faults = Map.copyOf(faults);
    }
}
