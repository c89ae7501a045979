package org.iommusim.actors.smmu;

import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.protocol.memory.GuestMemory;

/**
 * What one SMMU publishes for translation to read without messaging it: the
 * configuration cache in force (replaced whole after each persisted change;
 * each published value is immutable), and the streams' memory, which a
 * bounded configuration cache's misses read (the TCU fetching an STE or CD).
 */
public final class SmmuViews {
    private volatile ConfigCache config = ConfigCache.EMPTY;
    private final StreamMemoryView memory;
    private volatile GuestMemory guest = GuestMemory.NONE;

    /** Views whose stream memory is empty (nothing was written: every STE reads as invalid). */
    public SmmuViews() {
        this(new StreamMemoryBoard());
    }

    public SmmuViews(StreamMemoryView memory) {
        this.memory = memory;
    }

    /** The streams' memory, as software wrote it. */
    public StreamMemoryView memory() {
        return memory;
    }

    /** The embedder's memory, which walks of guests' own stage-1 tables read ({@link GuestMemory#NONE} until set). */
    public GuestMemory guestMemory() {
        return guest;
    }

    /** Attaches the embedder's memory; translations from now on read guests' tables there. */
    public void guestMemory(GuestMemory m) {
        guest = m;
    }

    public ConfigCache config() {
        return config;
    }

    void publish(ConfigCache c) {
        config = c;
    }
}
