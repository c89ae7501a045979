package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.iommusim.protocol.domain.DomainId;

/**
 * The checker's audit of the model's caches (DESIGN "The checker"): not
 * whether a device happened to use a stale entry, but whether any cache can
 * still translate what the driver unmapped.
 *
 * <ul>
 *   <li><b>At every CMD_SYNC completion</b> the driver tells the audit what
 *       it meant the sync to cover (the unmaps whose invalidations went out
 *       before it). Any cache entry that still translates a covered unmapped
 *       range to its old output, while the live tables say otherwise, is a
 *       {@code STALE_AFTER_SYNC} violation, whether or not a device ever uses
 *       it. A walk-cache entry with no output of its own that still leads a
 *       walk of such a range to a freed table page is a
 *       {@code STALE_WALK_AFTER_SYNC} violation.</li>
 *   <li><b>Exposure</b>: each unmapped mapping a cache still translates at
 *       its unmap is <em>exposed</em> from its unmap to the first audit point
 *       (an unmap, a CMD_SYNC completion, the end of the run) at which no
 *       cache translates it any more: strict, until its sync; lazy, until the
 *       flush that covers it (or an earlier eviction seen at an unmap);
 *       a missing TLBI, until eviction or the end of the run.</li>
 *   <li>A driver that makes IOVAs reusable with no completed CMD_SYNC after
 *       their invalidation is a {@code RELEASED_BEFORE_SYNC} violation.</li>
 * </ul>
 *
 * <p>What "still translates" means is each cache's own lookup answer
 * ({@link CacheSource}); what the tables say now is the history's. Memory:
 * only the mappings still exposed are held; closed windows go into a
 * histogram.
 */
final class CacheAudit {
    /** How the entries of one translation context reach a domain's mappings. */
    interface Live {
        /** The output the live tables give {@code address} at {@code t}, or -1 when nothing maps it. */
        long output(long address, long t);
    }

    /**
     * One way a domain's mappings can be cached: entries tagged {@code tags},
     * found by input address (the domain's own IOVAs) or, for a stage-2
     * domain under nested streams, by output address.
     *
     * @param sid a stream that uses this context, for the trace line
     */
    record Reach(CacheSource.Tags tags, boolean byOutput, Live live, int sid) {}

    private final List<CacheSource> sources;
    private final Checker checker;
    private final Function<DomainId, List<Reach>> reaches;
    private final ToLongFunction<MapRecord> unmapsSince;
    /** Mappings some cache still translated at the last audit point, by unmap order. */
    private final LinkedHashMap<MapRecord, Boolean> exposed = new LinkedHashMap<>();
    private final Histogram windows = new Histogram(3);
    private long maxUnmapsBehind;
    private long readings;

    CacheAudit(List<CacheSource> sources, Checker checker, Function<DomainId, List<Reach>> reaches,
            ToLongFunction<MapRecord> unmapsSince) {
        this.sources = List.copyOf(sources);
        this.checker = checker;
        this.reaches = reaches;
        this.unmapsSince = unmapsSince;
    }

    /** An unmap call's mappings (their unmap already written): those a cache still translates open a window. */
    synchronized void unmapped(List<MapRecord> records, Device owner, long t) {
        for (MapRecord r : records) {
            r.owner = owner;
        }
        List<CacheSource.Reading> now = read();
        // the mappings exposed before this unmap: those it adds were just found stale on this same reading
        int before = exposed.size();
        for (MapRecord r : records) {
            if (stale(now, r, t) != null) {
                exposed.put(r, Boolean.TRUE);
            }
        }
        sweep(now, t, false, before);
    }

    /**
     * A CMD_SYNC completed that the driver meant to cover {@code covered}'s invalidations; {@code how} names
     * the invalidation and the sync (e.g. "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 42").
     */
    synchronized void synced(List<MapRecord> covered, String how, long t) {
        for (MapRecord r : covered) {
            if (r.syncedAt == Long.MAX_VALUE) {
                r.syncedAt = t;
                r.syncedBy = how;
            }
        }
        sweep(exposed.isEmpty() ? nothingExposed() : read(), t, true, exposed.size());
    }

    /** The driver made {@code records}' IOVAs reusable: a CMD_SYNC after their invalidation must have completed. */
    synchronized void released(List<MapRecord> records, String how, long t) {
        for (MapRecord r : records) {
            if (r.syncedAt == Long.MAX_VALUE) {
                int n = records.size();
                checker.audited("RELEASED_BEFORE_SYNC", () -> "the driver made IOVA 0x" + Long.toHexString(r.iova)
                        + " of " + r.domain + (n > 1 ? " (and " + (n - 1) + " more mappings)" : "")
                        + " reusable at t=" + t + "ns with no completed CMD_SYNC after its invalidation (" + how
                        + "): nothing says the caches dropped it", sidOf(r), r.iova, r);
                return;
            }
        }
    }

    /** The end of the run: windows still open close now (a missing TLBI's lasts until eviction or here). */
    synchronized void finish(long t) {
        sweep(read(), t, true, exposed.size());
        for (MapRecord r : new ArrayList<>(exposed.keySet())) {
            close(r, t);
        }
        exposed.clear();
    }

    /**
     * An audit point with no mapping exposed: a sweep would look at nothing,
     * so the caches need not be read (counted all the same: the figure is of
     * audit points, and it stays the same whichever way they are answered).
     */
    private List<CacheSource.Reading> nothingExposed() {
        readings++;
        return List.of();
    }

    private List<CacheSource.Reading> read() {
        readings++;
        List<CacheSource.Reading> out = new ArrayList<>(sources.size());
        for (CacheSource s : sources) {
            out.add(s.read());
        }
        return out;
    }

    /**
     * Looks at every exposed mapping again: those no cache translates any
     * more close at {@code t}; those still translated after a sync covering
     * them are violations (once each); with {@code audit} false (an unmap,
     * no sync) only windows close. Only the {@code first} oldest are looked at.
     */
    private void sweep(List<CacheSource.Reading> now, long t, boolean audit, int first) {
        int seen = 0;
        for (Iterator<MapRecord> it = exposed.keySet().iterator(); it.hasNext() && seen < first; seen++) {
            MapRecord r = it.next();
            CacheSource.Held h = stale(now, r, t);
            if (h == null) {
                it.remove();
                close(r, t);
            } else if (audit && r.syncedAt <= t && !r.auditReported) {
                r.auditReported = true;
                long a = Math.max(r.iova, h.va());
                long out = h.translate().applyAsLong(a);
                String after = "after the CMD_SYNC covering its invalidation (" + r.syncedBy + ") completed at t="
                        + r.syncedAt + "ns, " + h.cache() + " still holds " + h.entry();
                String outlived = ": filled from the mapping made by " + r.domain.persistenceId() + " #" + r.mapSeq
                        + ", which was unmapped at t=" + r.unmapAt + "ns"
                        + (r.tlbiDropped ? "; the TLBI for it was never sent" : "") + alsoHeld(now, r, t, h);
                if (out == -1) {
                    // a walk-cache table entry naming a freed table page: any walk it leads reads freed memory
                    checker.audited("STALE_WALK_AFTER_SYNC", () -> after + ", which names a table page no longer"
                            + " in place (freed), so a walk of IOVA 0x" + Long.toHexString(a) + " of " + r.domain
                            + " would read freed memory" + outlived, sidOf(r), r.iova, r);
                } else {
                    checker.audited("STALE_AFTER_SYNC", () -> after + ", which translates IOVA 0x"
                            + Long.toHexString(a) + " of " + r.domain + " to PA 0x" + Long.toHexString(out)
                            + outlived, sidOf(r), r.iova, r);
                }
            }
        }
    }

    private void close(MapRecord r, long t) {
        long window = Math.max(0, t - r.unmapAt);
        long behind = Math.max(0, unmapsSince.applyAsLong(r));
        windows.recordValue(window);
        maxUnmapsBehind = Math.max(maxUnmapsBehind, behind);
        if (r.owner != null) {
            r.owner.maxExposureNs = Math.max(r.owner.maxExposureNs, window);
            r.owner.maxUnmapsBehind = Math.max(r.owner.maxUnmapsBehind, behind);
            r.owner.exposed++;
        }
    }

    /** A cache entry that still translates part of {@code r} to its old output, the live tables saying otherwise. */
    private CacheSource.Held stale(List<CacheSource.Reading> now, MapRecord r, long t) {
        for (Reach reach : reaches.apply(r.domain)) {
            for (CacheSource.Reading reading : now) {
                List<CacheSource.Held> held = reach.byOutput()
                        ? reading.outputInto(reach.tags(), r.pa, r.pa + r.size)
                        : reading.hitting(reach.tags(), r.iova, r.iova + r.size);
                for (CacheSource.Held h : held) {
                    long a = reach.byOutput() ? inputOf(h, r) : Math.max(r.iova, h.va());
                    long out = h.translate().applyAsLong(a);
                    if (out == -1) {
                        return h; // an entry with no output of its own (a walk cache) reaching an unmapped range
                    }
                    // a nested stream's combined entry gives a PA where the stage-1 record gives an IPA: after the
                    // sync meant to cover the record's unmap, no entry of its IOVA may remain, so any output other
                    // than the live one is the old mapping's
                    boolean old = reach.byOutput() || out == r.translate(a) || reach.tags().kind().equals("NESTED");
                    if (old && reach.live().output(a, t) != out) {
                        return h;
                    }
                }
            }
        }
        return null;
    }

    /** The other caches whose entries still reach {@code r} (once per violation: a TLB and a walk cache may both). */
    private String alsoHeld(List<CacheSource.Reading> now, MapRecord r, long t, CacheSource.Held first) {
        StringBuilder out = new StringBuilder();
        for (CacheSource.Reading reading : now) {
            CacheSource.Held h = stale(List.of(reading), r, t);
            if (h != null && !h.cache().equals(first.cache())) {
                out.append(out.length() == 0 ? "; also held by " : ", ").append(h.cache()).append(' ').append(h.entry());
            }
        }
        return out.toString();
    }

    /** For an entry found by output: an input address of it whose output lies in {@code r}'s old output range. */
    private static long inputOf(CacheSource.Held h, MapRecord r) {
        long base = h.translate().applyAsLong(h.va());
        long from = Math.max(base, r.pa);
        return h.va() + (from - base);
    }

    private int sidOf(MapRecord r) {
        if (r.owner != null) {
            return r.owner.sid;
        }
        List<Reach> rs = reaches.apply(r.domain);
        return rs.isEmpty() ? 0 : rs.get(0).sid();
    }

    /** Closed exposure windows, one per unmapped mapping a cache still translated at its unmap. */
    synchronized Histogram windows() {
        return windows.copy();
    }

    synchronized long maxUnmapsBehind() {
        return maxUnmapsBehind;
    }

    /** Mappings held as exposed now (for memory figures and tests). */
    synchronized int retained() {
        return exposed.size();
    }

    /** How many audit points looked at the caches (those with nothing to look at skip the reading itself). */
    synchronized long readings() {
        return readings;
    }
}
