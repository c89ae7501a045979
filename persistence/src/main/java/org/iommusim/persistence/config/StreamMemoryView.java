package org.iommusim.persistence.config;

import java.util.Optional;
import java.util.SortedSet;

/**
 * What the SMMU reads when it loads configuration: the STEs and CDs software
 * has written, stream by stream. The SMMU reads it only while consuming CFGI
 * commands, exactly as hardware fetches from memory only when it must.
 */
public interface StreamMemoryView {
    Optional<StreamConfig> stream(int sid);

    /** The StreamIDs with any written configuration, as unsigned values in [first, first + count). */
    SortedSet<Long> writtenSids(long first, long count);
}
