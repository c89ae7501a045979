package org.iommusim.persistence.iotlb;

import java.util.List;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * What a TBU's TLB ({@code smmu-<n>/tbu-<k>}; before TBUs, an IOTLB shard
 * {@code smmu-<n>/iotlb-<k>}) records. Lookups (hits and
 * misses) record nothing; everything that changes which entries are cached
 * does, including the eviction a fill caused, so that replay removes the same
 * victim even though the hit order that chose it was never logged.
 */
public sealed interface IotlbEvent extends JournalSerializable {

    /**
     * {@code entry} was cached. {@code victim}, when not null, was evicted to
     * make room: it is named explicitly because under LRU the choice depends on
     * hits, which are not persisted. {@code guestReads}: for an entry walked in
     * a guest's own tables (a CD with {@code guestTables}), every descriptor the
     * walk read from the embedder's memory, in order (empty otherwise), so that
     * replay answers those reads from the journal, without the embedder.
     */
    record Filled(IotlbEntry entry, IotlbEntry victim, List<MemoryTableWalk.Read> guestReads) implements IotlbEvent {
        public Filled {
            if (entry == null) {
                throw new IllegalArgumentException("a fill needs an entry");
            }
            guestReads = guestReads == null ? List.of() : List.copyOf(guestReads);
        }

        /** A fill of tables the model holds: nothing read from guest memory. */
        public Filled(IotlbEntry entry, IotlbEntry victim) {
            this(entry, victim, List.of());
        }

        public static Filled withoutEviction(IotlbEntry entry) {
            return new Filled(entry, null);
        }

        /** This fill with the guest-memory reads its walk made. */
        public Filled withGuestReads(List<MemoryTableWalk.Read> reads) {
            return new Filled(entry, victim, reads);
        }
    }

    /**
     * {@code command} was applied. {@code removed} is how many entries the
     * live shard removed, kept for reports; applying the event removes
     * whatever {@link Invalidation#matches} selects, so a count that differs on
     * replay cannot leave a stale entry behind.
     */
    record Invalidated(TlbiCommand command, int removed) implements IotlbEvent {
        public Invalidated {
            if (command == null || removed < 0) {
                throw new IllegalArgumentException("an invalidation needs a command and a count >= 0");
            }
        }
    }

    /**
     * From here on the TBU's worker acknowledges an invalidation once applied, before its record is durable
     * ({@code ahead}), or only once durable (not {@code ahead}: a clean close writes this last). Applied to a TLB
     * already marked ahead, an {@code ahead} marker says the run that set the earlier one ended without its clean
     * close: invalidations it acknowledged may be missing from this log, so the TLB is emptied (as a reset empties a
     * hardware TLB). Counters are kept.
     */
    record AcksAhead(boolean ahead) implements IotlbEvent {}

    /** Every entry was dropped: FLUSH_ALL_WHEN_FULL found the set full, or an explicit flush. */
    record Flushed() implements IotlbEvent {}

    /**
     * The TLB's geometry and policy from here on: written first in a TBU's log,
     * and again when a start finds another configuration recovered. It empties
     * the TLB (entries placed by other sets or capacities are not carried over)
     * and restarts the generator from the seed; counters are kept. So the log
     * alone says what the TLB was, and replay needs no capabilities.
     */
    record Configured(IotlbConfig config) implements IotlbEvent {
        public Configured {
            if (config == null) {
                throw new IllegalArgumentException("a configuration is required");
            }
        }
    }
}
