package org.iommusim.persistence.tcu;

import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * What the TCU's log ({@code smmu-<n>/tcu}) records: everything that changes
 * which entries its walk caches, IPA cache and (bounded) configuration cache hold, in the order the TCU
 * applied it. Lookups record nothing. A fill names the slot it took, so replay
 * puts the entry where the live TCU put it and removes the same victim, though
 * the hits that made it least recently used were never logged.
 */
public sealed interface TcuEvent extends JournalSerializable {

    /**
     * From here on the TCU acknowledges an invalidation once applied, before its record is durable ({@code ahead}),
     * or only once durable (not {@code ahead}: a clean close writes this last). Applied to caches already marked
     * ahead, an {@code ahead} marker says the run that set the earlier one ended without its clean close:
     * invalidations it acknowledged may be missing from this log, so every cache is emptied (as a reset empties
     * the hardware's). Counters are kept.
     */
    record AcksAhead(boolean ahead) implements TcuEvent {}

    /** The caches' shapes; empties them (a log starts with one; a start with other shapes writes another). */
    record Configured(TcuCaches shape) implements TcuEvent {
        public Configured {
            if (shape == null) {
                throw new IllegalArgumentException("a TCU configuration needs its shapes");
            }
        }
    }

    /** The walker read {@code entry} and cached it in slot {@code slot} of the walk cache of {@code stage} and {@code level}. */
    record WalkFilled(int stage, int level, int slot, WalkEntry entry) implements TcuEvent {
        public WalkFilled {
            if (stage < 1 || stage > 2 || level < 0 || level >= TcuCaches.LEVELS || slot < 0 || entry == null) {
                throw new IllegalArgumentException("a walk-cache fill at stage " + stage + " level " + level + " slot "
                        + slot + " of " + entry);
            }
        }

        /** The cache it went to, as statistics name it. */
        public String cache() {
            return "walk-s" + stage + "-l" + level;
        }
    }

    /** A stage-2 result cached in slot {@code slot} of the IPA cache. */
    record IpaFilled(int slot, IpaEntry entry) implements TcuEvent {
        public IpaFilled {
            if (slot < 0 || entry == null) {
                throw new IllegalArgumentException("an IPA-cache fill at slot " + slot + " of " + entry);
            }
        }
    }

    /**
     * {@code command} was applied to every cache by {@link TcuInvalidation};
     * {@code removed}: the entries it removed live, for reports (replay removes
     * what the rule selects).
     */
    record Invalidated(TlbiCommand command, int removed) implements TcuEvent {
        public Invalidated {
            if (command == null || removed < 0) {
                throw new IllegalArgumentException("an invalidation needs its command and a count >= 0");
            }
        }
    }

    /** A valid STE or CD the TCU read from the stream table on a configuration-cache miss, cached in slot {@code slot}. */
    record ConfigFilled(int slot, ConfigEntry entry) implements TcuEvent {
        public ConfigFilled {
            if (slot < 0 || entry == null) {
                throw new IllegalArgumentException("a configuration-cache fill at slot " + slot + " of " + entry);
            }
        }
    }

    /**
     * A CD read from guest memory that the configuration cache did not take (CD.V=0, or ILLEGAL for this SMMU:
     * the transaction was C_BAD_CD): the 64 bytes read, journaled so that replay reads what the SMMU read then,
     * not an older usable CD at the same address. Changes no cache.
     */
    record GuestCdRead(int sid, int ssid, org.iommusim.persistence.config.GuestCd cd) implements TcuEvent {
        public GuestCdRead {
            if (cd == null || ssid < 0) {
                throw new IllegalArgumentException("a guest CD read needs its SubstreamID and bytes: " + ssid);
            }
        }
    }

    /**
     * CFGI {@code command} was applied to the configuration cache by {@link ConfigInvalidation}; {@code removed}:
     * the entries it removed live, for reports.
     */
    record ConfigInvalidated(org.iommusim.protocol.command.Command command, int removed) implements TcuEvent {
        public ConfigInvalidated {
            if (command == null || removed < 0 || !ConfigInvalidation.applies(command)) {
                throw new IllegalArgumentException("a configuration-cache invalidation needs a CFGI and a count >= 0: "
                        + command);
            }
        }
    }
}
