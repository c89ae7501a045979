package org.iommusim.persistence.tcu;

import java.util.List;
import java.util.function.Predicate;
import org.iommusim.protocol.capability.CacheShape;

/**
 * The TCU's configuration cache when it is bounded ({@code TcuCaches.configCache}
 * set): STEs keyed by StreamID and CDs keyed by (StreamID, SubstreamID), in one
 * store of the configured entries and ways, LRU within a set (gem5: 64
 * entries, 4-way). A miss is fetched from the stream table by the TCU and
 * filled here, evicting within its set; only CFGI commands
 * ({@link ConfigInvalidation}) remove entries. Unbounded (the default), the
 * SMMU's own {@code ConfigCache} holds every stream's configuration instead
 * and this cache is off.
 */
public final class BoundedConfigCache {
    private final SetAssociative<ConfigEntry> store;

    BoundedConfigCache(CacheShape shape) {
        this.store = new SetAssociative<>(shape);
    }

    public String name() {
        return "config";
    }

    boolean enabled() {
        return store.enabled();
    }

    /** The entry for {@code (sid, ssid)} ({@link ConfigEntry#STE} for the STE), counted as a lookup; null on a miss. */
    ConfigEntry lookup(int sid, int ssid) {
        CacheCounters c = store.counters;
        c.lookups++;
        int i = find(sid, ssid);
        if (i >= 0) {
            store.touch(i);
            c.hits++;
            return store.at(i);
        }
        c.misses++;
        return null;
    }

    /** The entry for {@code (sid, ssid)} without counting or touching it (audits); null if not held. */
    ConfigEntry peek(int sid, int ssid) {
        int i = find(sid, ssid);
        return i < 0 ? null : store.at(i);
    }

    private int find(int sid, int ssid) {
        int base = store.setBase(ConfigEntry.tag(sid, ssid));
        for (int i = base; i < base + store.ways(); i++) {
            ConfigEntry e = store.at(i);
            if (e != null && e.sid() == sid && e.ssid() == ssid) {
                return i;
            }
        }
        return -1;
    }

    ConfigEntry fill(ConfigEntry e) {
        return store.fill(e.tag(), e);
    }

    List<ConfigEntry> invalidate(Predicate<ConfigEntry> remove) {
        return store.invalidate(remove);
    }

    public List<ConfigEntry> entries() {
        return store.entries();
    }

    int lastSlot() {
        return store.lastSlot;
    }

    ConfigEntry place(int slot, ConfigEntry e) {
        return store.place(slot, e);
    }

    void clear() {
        store.clear();
    }

    /** (slot, entry) pairs, least recently used first. */
    List<java.util.Map.Entry<Integer, ConfigEntry>> byUse() {
        return store.slotsByUse().stream().map(i -> java.util.Map.entry(i, store.at(i))).toList();
    }

    void restoreCounters(CacheStats s) {
        store.restoreCounters(s);
    }

    CacheStats stats() {
        return store.counters.snapshot(name(), store.shape.entries(), store.size());
    }
}
