package org.iommusim.persistence.config;

import java.util.Optional;
import java.util.SortedSet;

/**
 * What the SMMU reads when it loads configuration: the STEs and CDs software
 * has written, stream by stream. The SMMU reads it only while consuming CFGI
 * commands (and, with the TCU's bounded configuration cache, on its misses), exactly
 * as hardware fetches from memory only when it must.
 */
public interface StreamMemoryView {
    /** Memory nobody wrote: every StreamID reads as zeroed (an invalid STE). */
    StreamMemoryView EMPTY = new StreamMemoryView() {
        @Override
        public Optional<StreamConfig> stream(int sid) {
            return Optional.empty();
        }

        @Override
        public SortedSet<Long> writtenSids(long first, long count) {
            return new java.util.TreeSet<>();
        }
    };

    Optional<StreamConfig> stream(int sid);

    /** The StreamIDs with any written configuration, as unsigned values in [first, first + count). */
    SortedSet<Long> writtenSids(long first, long count);
}
