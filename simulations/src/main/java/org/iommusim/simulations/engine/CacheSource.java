package org.iommusim.simulations.engine;

import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * One kind of cache of the model the checker audits: "what can still
 * translate IOVA X for stream S", read from the model itself at each audit
 * point (a CMD_SYNC completion, an unmap, the end of the run). The TBU TLBs
 * are one source ({@link TlbSource}); the TCU's walk caches are another
 * ({@link WalkCacheSource}): a walk-cache entry that would still lead a walk of
 * the unmapped range through a freed table answers here too, with no output
 * address.
 */
interface CacheSource {
    /** Reads what the cache holds now; the reading answers until the model moves on. */
    Reading read();

    /** The tags a cached translation carries, as a stream's lookup selects it (kind, VMID, ASID; -1 for none). */
    record Tags(String kind, int vmid, int asid) {}

    /**
     * One cached entry that a lookup can hit.
     *
     * @param cacheName which cache holds it (e.g. {@code smmu-0/tbu-1 TLB})
     * @param entryName the entry as the cache names it
     * @param va        the first input address it covers
     * @param size      bytes of input it covers
     * @param translate its output for an input address it covers; -1 when it has no output of its own (a walk
     *                  cache entry: any walk it leads is a use of what it outlived)
     */
    record Held(Supplier<String> cacheName, Supplier<String> entryName, long va, long size,
            LongUnaryOperator translate) {
        /** Names given at once (tests, hand-built sources). */
        Held(String cache, String entry, long va, long size, LongUnaryOperator translate) {
            this(() -> cache, () -> entry, va, size, translate);
        }

        /** Which cache holds it; named only when a message needs it (most audits find nothing to report). */
        String cache() {
            return cacheName.get();
        }

        /** The entry as the cache names it. */
        String entry() {
            return entryName.get();
        }

        boolean covers(long address) {
            return Long.compareUnsigned(address - va, size) < 0;
        }
    }

    /** One reading of a cache. */
    interface Reading {
        /** Entries a stream tagged {@code tags} would hit for some address of {@code [from, to)}. */
        List<Held> hitting(Tags tags, long from, long to);

        /** Entries tagged {@code tags} whose output for some address they cover lies in {@code [paFrom, paTo)}. */
        List<Held> outputInto(Tags tags, long paFrom, long paTo);
    }
}
