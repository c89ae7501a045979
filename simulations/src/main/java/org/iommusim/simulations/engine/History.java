package org.iommusim.simulations.engine;

import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.iommusim.protocol.domain.DomainId;

/**
 * The mappings each domain had, what the checker judges translations
 * against: indexed by domain and address, so a lookup costs the records
 * covering that address, not the domain's whole past.
 *
 * <p><b>What is kept.</b> A record stays while a translation could still
 * return it or a check could still need it:
 * <ul>
 *   <li>while it is mapped, and while its unmap awaits its invalidation (a
 *       lazy or batched flush not yet completed): uses are then permitted
 *       stale uses, and mapping its IOVA again is a violation;</li>
 *   <li>after its release (the CMD_SYNC covering its invalidation completed),
 *       for {@code horizonNs} more, renewed by every translation that
 *       returns it: such a use is a stale use after the sync, and a cache
 *       entry that keeps being used keeps its record, so every such use is
 *       reported as {@code STALE_AFTER_SYNC} however long it goes on;</li>
 *   <li>a record whose sync was skipped (an injected fault: released without
 *       a completed flush) counts its horizon from its unmap, renewed the
 *       same way.</li>
 * </ul>
 * Then it is forgotten. The one thing forgetting can change: a cache entry
 * that sits unused for longer than the horizon after its release and is then
 * used is reported as {@code ISOLATION} (a PA no remembered mapping gave)
 * instead of {@code STALE_AFTER_SYNC}; it is a violation either way. After a
 * skipped sync, uses and reuses of the IOVA later than the horizon are no
 * longer checked against it. The horizon is
 * {@code iommu-sim.checker.history-horizon} ({@link CheckerSettings}).
 *
 * <p>Memory is the mapped and pending records plus what the driver released
 * in the last horizon: it does not grow with the length of a run.
 *
 * <p>Index: a record of size S is filed under the aligned blocks of the
 * smallest level (4 KiB, 64 KiB, 1 MiB, ... : 16 times larger each) that is
 * at least S, so under one or two blocks; a lookup asks one block per level
 * the domain uses. Each block keeps its records oldest first.
 */
final class History {
    /** Records looked at for forgetting per record added: enough to keep up, cheap per map. */
    private static final int SWEEP = 4;
    private static final int LEVELS = 13;

    private final long horizonNs;
    private final Map<DomainId, DomainIndex> byDomain = new HashMap<>();
    /** Every kept record, roughly oldest first; records not yet forgettable go round again. */
    private final ArrayDeque<MapRecord> aging = new ArrayDeque<>();
    private long added;
    private long forgotten;
    private long latest = Long.MIN_VALUE;

    /** With the configured horizon ({@link CheckerSettings#configured()}). */
    History() {
        this(CheckerSettings.configured().historyHorizonNs());
    }

    /** @param horizonNs how long a released mapping is remembered after its release or last use */
    History(long horizonNs) {
        if (horizonNs < 0) {
            throw new IllegalArgumentException("history horizon must not be negative: " + horizonNs);
        }
        this.horizonNs = horizonNs;
    }

    synchronized void add(MapRecord r) {
        r.order = added++;
        DomainIndex d = byDomain.computeIfAbsent(r.domain, k -> new DomainIndex());
        int level = level(r.size);
        d.levels |= 1 << level;
        for (long b = block(r.iova, level), last = block(r.iova + r.size - 1, level); ; b++) {
            long key = key(b, level);
            Bucket bucket = d.buckets.get(key);
            if (bucket == null) {
                bucket = new Bucket();
                d.buckets.put(key, bucket);
            }
            bucket.add(r);
            if (b == last) {
                break;
            }
        }
        aging.addLast(r);
        latest = Math.max(latest, r.mapAt);
        sweep(latest);
    }

    /**
     * Records of {@code domain} covering {@code address}, newest first. A
     * live view read lazily (under this history's lock): the checker usually
     * needs only the first.
     */
    synchronized List<MapRecord> covering(DomainId domain, long address) {
        DomainIndex d = byDomain.get(domain);
        if (d == null) {
            return List.of();
        }
        Bucket[] found = new Bucket[Integer.bitCount(d.levels)];
        int n = 0;
        for (int levels = d.levels; levels != 0; levels &= levels - 1) {
            int level = Integer.numberOfTrailingZeros(levels);
            Bucket b = d.buckets.get(key(block(address, level), level));
            if (b != null) {
                found[n++] = b;
            }
        }
        return n == 0 ? List.of() : new Covering(Arrays.copyOf(found, n), address);
    }

    /**
     * The newest record of {@code domain} covering {@code address} that was
     * mapped at {@code t}, or null: the first such one {@link #covering}
     * gives, found in one pass under the lock with nothing allocated (the
     * cache audit asks this for every cached entry it examines).
     */
    synchronized MapRecord mappedAt(DomainId domain, long address, long t) {
        return newest(domain, address, t, Bucket::newestMappedAt);
    }

    /** The newest record of {@code domain} covering {@code address} (the first {@link #covering} gives), or null. */
    synchronized MapRecord newestCovering(DomainId domain, long address) {
        return newest(domain, address, 0, (b, a, t) -> b.newestBefore(Long.MAX_VALUE, a));
    }

    /**
     * The newest record of {@code domain} covering {@code address} that was
     * unmapped at or before {@code t} and not yet released at {@code t} (its
     * flush incomplete), or null.
     */
    synchronized MapRecord awaitingFlush(DomainId domain, long address, long t) {
        return newest(domain, address, t, Bucket::awaitingFlush);
    }

    /** One bucket's answer for an address at a time (a method reference: nothing allocated per call). */
    private interface BucketQuery {
        MapRecord find(Bucket b, long address, long t);
    }

    /** The newest answer of {@code query} over the buckets covering {@code address} at each mapped level. */
    private MapRecord newest(DomainId domain, long address, long t, BucketQuery query) {
        DomainIndex d = byDomain.get(domain);
        if (d == null) {
            return null;
        }
        MapRecord newest = null;
        for (int levels = d.levels; levels != 0; levels &= levels - 1) {
            int level = Integer.numberOfTrailingZeros(levels);
            Bucket b = d.buckets.get(key(block(address, level), level));
            MapRecord m = b == null ? null : query.find(b, address, t);
            if (m != null && (newest == null || m.order > newest.order)) {
                newest = m;
            }
        }
        return newest;
    }

    /** Records kept now (for tests and memory figures). */
    synchronized int retained() {
        return aging.size();
    }

    /**
     * {@code r}'s unmap time was just set: its buckets count one mapped record
     * fewer, so a question about a time after every unmap in a bucket is
     * answered without looking at its records (the cache audit asks about
     * each unmapped range it finds cached). Once per record.
     */
    synchronized void unmapped(MapRecord r) {
        if (r.unmapAt == Long.MAX_VALUE || r.closed || r.forgotten) {
            return;
        }
        r.closed = true;
        DomainIndex d = byDomain.get(r.domain);
        if (d == null) {
            return;
        }
        int level = level(r.size);
        for (long b = block(r.iova, level), last = block(r.iova + r.size - 1, level); ; b++) {
            Bucket bucket = d.buckets.get(key(b, level));
            if (bucket != null) {
                bucket.closed(r);
            }
            if (b == last) {
                break;
            }
        }
    }

    /** Records forgotten so far. */
    synchronized long forgotten() {
        return forgotten;
    }

    /** Looks at a few of the oldest records and forgets those past the horizon; the others go round again. */
    private void sweep(long now) {
        for (int i = 0; i < SWEEP && !aging.isEmpty(); i++) {
            MapRecord r = aging.pollFirst();
            long quiet = quietSince(r);
            if (quiet != Long.MAX_VALUE && now - quiet >= horizonNs) {
                forget(r);
            } else {
                aging.addLast(r);
            }
        }
    }

    /** Since when nothing has needed {@code r}; Long.MAX_VALUE while it is mapped or awaits its flush. */
    private static long quietSince(MapRecord r) {
        if (r.unmapAt == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        if (r.releasedAt != Long.MAX_VALUE) {
            return Math.max(r.releasedAt, r.lastUsedAt);
        }
        // the driver names how a group was released even when its CMD_SYNC was skipped (no releasedAt then)
        return r.releasedBy.isEmpty() ? Long.MAX_VALUE : Math.max(r.unmapAt, r.lastUsedAt);
    }

    private void forget(MapRecord r) {
        DomainIndex d = byDomain.get(r.domain);
        int level = level(r.size);
        for (long b = block(r.iova, level), last = block(r.iova + r.size - 1, level); ; b++) {
            long key = key(b, level);
            Bucket bucket = d.buckets.get(key);
            if (bucket.remove(r) && bucket.size == 0) {
                d.buckets.remove(key);
            }
            if (b == last) {
                break;
            }
        }
        r.forgotten = true;
        forgotten++;
    }

    /** The smallest level whose blocks are at least {@code size} bytes. */
    static int level(long size) {
        for (int level = 0; level < LEVELS - 1; level++) {
            if (Long.compareUnsigned(size, 1L << shift(level)) <= 0) {
                return level;
            }
        }
        return LEVELS - 1;
    }

    private static int shift(int level) {
        return 12 + 4 * level;
    }

    private static long block(long address, int level) {
        return address >>> shift(level);
    }

    /**
     * A block's key, mixed by an odd multiplier (a bijection, so keys stay
     * distinct): page-aligned blocks differ in high bits only, which
     * {@link Long#hashCode} folds into few hash buckets.
     */
    private static long key(long block, int level) {
        return (block << 4 | level) * 0x9E3779B97F4A7C15L;
    }

    private static final class DomainIndex {
        final LongMap<Bucket> buckets = new LongMap<>();
        int levels;
    }

    /** The records filed under one block, oldest first (ascending {@link MapRecord#order}). */
    private static final class Bucket {
        MapRecord[] items = new MapRecord[2];
        int size;
        /** items[0, settled) are released: mapping over them again is never a violation. */
        int settled;
        /** Items not yet reported {@link History#unmapped}: each may still be mapped at any later time. */
        int open;
        /** No item reported unmapped is mapped at or after this time (their latest unmap). */
        long closedBy = Long.MIN_VALUE;

        void add(MapRecord r) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = r;
            if (r.closed) {
                closedBy = Math.max(closedBy, r.unmapAt);
            } else {
                open++;
            }
        }

        void closed(MapRecord r) {
            open--;
            closedBy = Math.max(closedBy, r.unmapAt);
        }

        boolean remove(MapRecord r) {
            int i = indexOf(r.order);
            if (i < 0) {
                return false;
            }
            System.arraycopy(items, i + 1, items, i, size - i - 1);
            items[--size] = null;
            if (!r.closed) {
                open--;
            }
            if (i < settled) {
                settled--;
            }
            if (items.length > 8 && size < items.length / 4) {
                items = Arrays.copyOf(items, items.length / 2);
            }
            return true;
        }

        MapRecord awaitingFlush(long address, long t) {
            while (settled < size && items[settled].releasedAt <= t) {
                settled++;
            }
            for (int i = size - 1; i >= settled; i--) {
                MapRecord m = items[i];
                if (m.covers(address) && m.unmapAt <= t && t < m.releasedAt) {
                    return m;
                }
            }
            return null;
        }

        int indexOf(long order) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long o = items[mid].order;
                if (o < order) {
                    lo = mid + 1;
                } else if (o > order) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }

        /** The newest record covering {@code address} and mapped at {@code t}, or null. */
        MapRecord newestMappedAt(long address, long t) {
            if (open == 0 && t >= closedBy) {
                return null; // every record here was unmapped at or before t
            }
            for (int i = size - 1; i >= 0; i--) {
                MapRecord m = items[i];
                if (m.covers(address) && m.mappedAt(t)) {
                    return m;
                }
            }
            return null;
        }

        /** The newest record older than {@code before} that covers {@code address}, or null. */
        MapRecord newestBefore(long before, long address) {
            int i = size - 1; // the newest: no search for the first step, the usual one
            if (before != Long.MAX_VALUE) {
                int at = indexOf(before);
                i = at >= 0 ? at - 1 : -at - 2;
            }
            for (; i >= 0; i--) {
                if (items[i].covers(address)) {
                    return items[i];
                }
            }
            return null;
        }
    }

    /**
     * The records covering one address across the domain's levels, newest
     * first, read as the caller walks it: each step finds the newest record
     * older than the last one returned, so records forgotten or added
     * meanwhile never make it skip or repeat one.
     */
    private final class Covering extends AbstractList<MapRecord> {
        private final Bucket[] buckets;
        private final long address;
        private int size = -1;

        Covering(Bucket[] buckets, long address) {
            this.buckets = buckets;
            this.address = address;
        }

        private MapRecord next(long before) {
            synchronized (History.this) {
                MapRecord best = null;
                for (Bucket b : buckets) {
                    MapRecord m = b.newestBefore(before, address);
                    if (m != null && (best == null || m.order > best.order)) {
                        best = m;
                    }
                }
                return best;
            }
        }

        @Override
        public Iterator<MapRecord> iterator() {
            return new Iterator<>() {
                /** The order of the record returned last; each step looks for the newest one older. */
                private long before = Long.MAX_VALUE;
                private MapRecord next;

                @Override
                public boolean hasNext() {
                    if (next == null && before >= 0) {
                        next = Covering.this.next(before);
                        if (next == null) {
                            before = -1;
                        }
                    }
                    return next != null;
                }

                @Override
                public MapRecord next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    MapRecord r = next;
                    next = null;
                    before = r.order;
                    return r;
                }
            };
        }

        @Override
        public boolean isEmpty() {
            return next(Long.MAX_VALUE) == null;
        }

        @Override
        public MapRecord get(int index) {
            if (index < 0) {
                throw new IndexOutOfBoundsException(index);
            }
            Iterator<MapRecord> it = iterator();
            for (int i = 0; it.hasNext(); i++) {
                MapRecord r = it.next();
                if (i == index) {
                    return r;
                }
            }
            throw new IndexOutOfBoundsException(index);
        }

        @Override
        public int size() {
            if (size < 0) {
                int n = 0;
                for (Iterator<MapRecord> it = iterator(); it.hasNext(); it.next()) {
                    n++;
                }
                size = n;
            }
            return size;
        }
    }
}
