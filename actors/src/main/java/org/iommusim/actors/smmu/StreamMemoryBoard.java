package org.iommusim.actors.smmu;

import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamMemoryView;

/**
 * The streams' "memory" as the SMMU reads it: each stream entity publishes
 * its STE and CD table here after every persisted write, and the SMMU reads it
 * only when a CFGI makes it load configuration. Values are immutable.
 */
public final class StreamMemoryBoard implements StreamMemoryView {
    private final ConcurrentSkipListMap<Long, StreamConfig> streams = new ConcurrentSkipListMap<>();

    void publish(int sid, StreamConfig memory) {
        streams.put(Integer.toUnsignedLong(sid), memory);
    }

    @Override
    public Optional<StreamConfig> stream(int sid) {
        return Optional.ofNullable(streams.get(Integer.toUnsignedLong(sid)));
    }

    @Override
    public SortedSet<Long> writtenSids(long first, long count) {
        long end = first + count;
        return new TreeSet<>(end <= first ? streams.tailMap(first).keySet() : streams.subMap(first, end).keySet());
    }
}
