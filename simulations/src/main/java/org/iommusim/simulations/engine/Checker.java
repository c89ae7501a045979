package org.iommusim.simulations.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.iommusim.persistence.pagetable.StagePermissions;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.simulations.report.SimulationReport;

/**
 * Validates every translation of a run against the history of mappings and
 * the driver's invalidations (DESIGN "The checker"):
 * <ol>
 *   <li>a translation starting after the invalidation covering an unmap has
 *       completed (its CMD_SYNC, as the driver saw it) must not return the
 *       old mapping;</li>
 *   <li>a translation only returns mappings that existed (isolation: never a
 *       physical page outside what the device's domains map or mapped);</li>
 *   <li>granted permissions follow the stage rules ({@link StagePermissions},
 *       the page tables' own rule);</li>
 *   <li>no IOVA is mapped again before the flush covering its previous
 *       mapping has completed.</li>
 * </ol>
 * Uses of an unmapped mapping before its flush completed are permitted (lazy
 * invalidation allows them); each such mapping has a stale window, from its
 * unmap to its last stale use.
 *
 * <p>One definition of each count, used by every report: a <b>stale use</b>
 * is a translation that returned a mapping after its unmap, permitted
 * (before the flush covering it completed) or not (after it: the violation
 * {@code STALE_USE_AFTER_SYNC}); a <b>violation</b> is one breach of one
 * rule, by a translation or found by the {@link CacheAudit}, each counted
 * once, in all and on the stream it concerns.
 *
 * <p>Bounded memory whatever the run's length: violations are counted per
 * rule exactly, but only the first {@link CheckerSettings#examplesPerRule()}
 * of each rule are kept with their explanation; a stale window goes into a
 * histogram once its mapping is forgotten by the {@link History} (no use of
 * it can follow), and only the windows still open are held.
 */
final class Checker {
    /** Open stale windows looked at per translation checked: closes them about as fast as they open. */
    private static final int SWEEP = 2;

    private final String journalDir;
    private final int examplesPerRule;
    private final List<SimulationReport.Violation> examples = new ArrayList<>();
    private final Map<String, Long> counts = new HashMap<>();
    /** Per rule, violations grouped by the mapping they name (in the order found; at most examplesPerRule). */
    private final Map<String, Map<MapRecord, long[]>> groupCounts = new HashMap<>();
    private final List<SimulationReport.ViolationGroup> groupFirsts = new ArrayList<>();
    private final List<long[]> groupTallies = new ArrayList<>();
    /** The rule of the latest violation (for the timeline), null before any. */
    private String lastRule;
    private long violationCount;
    private long checked;
    private long staleUses;
    private long staleUsesAfterSync;
    private final Map<Integer, Long> violationsBySid = new HashMap<>();
    /** The audit's exposure windows, when the run audits its caches (else the stale windows stand in). */
    private CacheAudit audit;
    /** Closed stale windows: mappings used stale (permitted, before the flush) that the history has forgotten. */
    private final Histogram staleWindows = new Histogram(3);
    /** Mappings used stale whose window may still grow (the history still remembers them). */
    private final ArrayDeque<MapRecord> openStale = new ArrayDeque<>();

    Checker(String journalDir) {
        this(journalDir, CheckerSettings.configured().examplesPerRule());
    }

    Checker(String journalDir, int examplesPerRule) {
        this.journalDir = journalDir;
        this.examplesPerRule = examplesPerRule;
    }

    /** A stream's view of memory for the checker: how an IOVA resolves through its domains. */
    interface Resolution {
        /** The records an output for {@code iova} may come from; for nested, the stage-2 records of its IPA. */
        List<MapRecord> candidates(long iova);

        /** The first of {@link #candidates} (null when there is none), found without building the list. */
        default MapRecord newestCandidate(long iova) {
            List<MapRecord> c = candidates(iova);
            return c.isEmpty() ? null : c.get(0);
        }

        /** The stage whose permission rule applies to the final mapping. */
        DomainStage stage();

        /** For nested: the stage-1 record in force (its prot also applies); else null. */
        MapRecord stage1(long iova);
    }

    /** The mapping the last stale use (see {@link #translation}) reached; for per-device exposure figures. */
    private MapRecord lastStale;

    /** The mapping the latest translation judged a stale use reached (null before any). */
    synchronized MapRecord lastStale() {
        return lastStale;
    }

    /**
     * Checks one successful translation; returns true when it was a stale use (it returned a mapping after its
     * unmap, before or after the flush covering it completed).
     */
    synchronized boolean translation(String device, int sid, long t, long iova, Access access, boolean privileged,
            Translated r,
            Resolution res) {
        checked++;
        closeStaleWindows();
        MapRecord s1 = res.stage1(iova); // nested: the stage-1 mapping in force, whose output stage 2 translated
        long input = s1 == null ? iova : s1.translate(iova);
        // the newest record gave the output as a rule: the older ones are looked at only when it did not
        MapRecord match = res.newestCandidate(iova);
        if (match != null && match.translate(input) != r.outputAddress()) {
            match = null;
            for (MapRecord m : res.candidates(iova)) {
                if (m.translate(input) == r.outputAddress()) {
                    match = m;
                    break;
                }
            }
        }
        if (match == null) {
            violation("ISOLATION", () -> device + " (sid 0x" + Integer.toHexString(sid) + ") reached PA 0x"
                    + Long.toHexString(r.outputAddress()) + " for IOVA 0x" + Long.toHexString(iova)
                    + ", which no mapping of its domains ever gave", sid, iova, null);
            return false;
        }
        boolean stale = false;
        if (!match.mappedAt(t)) {
            match.lastUsedAt = Math.max(match.lastUsedAt, t);
            MapRecord used = match;
            staleUses++;
            stale = true;
            lastStale = match;
            if (t >= match.releasedAt) {
                staleUsesAfterSync++;
                violation("STALE_USE_AFTER_SYNC", () -> device + " used the mapping of IOVA 0x" + Long.toHexString(iova)
                        + " -> PA 0x" + Long.toHexString(r.outputAddress()) + " at t=" + t + "ns, after it was unmapped"
                        + " at t=" + used.unmapAt + "ns and its invalidation completed at t=" + used.releasedAt + "ns ("
                        + used.releasedBy + ")" + (used.tlbiDropped ? "; the TLBI for it was never sent" : ""),
                        sid, iova, used);
            } else {
                match.lastStaleUseAt = Math.max(match.lastStaleUseAt, t);
                if (!match.staleOpen) {
                    match.staleOpen = true;
                    openStale.addLast(match);
                }
            }
        }
        Perms expected = StagePermissions.of(res.stage(), match.prot);
        if (s1 != null) {
            expected = StagePermissions.of(DomainStage.STAGE1, s1.prot).intersect(expected);
        }
        if (!r.perms().equals(expected) || !expected.allows(access, privileged)) {
            Perms rule = expected;
            MapRecord used = match;
            violation("PERMISSION", () -> device + " got " + r.perms() + " for a " + access + " of IOVA 0x"
                    + Long.toHexString(iova) + "; the stage rules give " + rule + " for " + used.prot,
                    sid, iova, used);
        }
        return stale;
    }

    /** A new mapping of [iova, iova + size): the previous one there must have been released. */
    synchronized void mapped(History history, DomainId domain, long iova, long size, long t, int sid) {
        MapRecord old = history.awaitingFlush(domain, iova, t);
        if (old != null) {
            violation("IOVA_REUSED_BEFORE_FLUSH", () -> "IOVA 0x" + Long.toHexString(iova) + " of " + domain
                    + " was mapped again at t=" + t + "ns before the invalidation of its previous mapping"
                    + " (unmapped at t=" + old.unmapAt + "ns) completed", sid, iova, old);
        }
    }

    private List<String> events(MapRecord m) {
        if (m == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        out.add(m.domain.persistenceId() + " #" + m.mapSeq + " map");
        if (m.unmapSeq >= 0) {
            out.add(m.domain.persistenceId() + " #" + m.unmapSeq + " unmap");
        }
        return out;
    }

    /** A violation the cache audit found (see {@link CacheAudit}), counted and kept like every other. */
    synchronized void audited(String rule, Supplier<String> explanation, int sid, long iova, MapRecord record) {
        violation(rule, explanation, sid, iova, record);
        if (onAudited != null) {
            onAudited.found(rule, sid, iova);
        }
    }

    /** Hears each violation the cache audit finds (the timeline's instants). */
    interface AuditListener {
        void found(String rule, int sid, long iova);
    }

    private AuditListener onAudited;

    synchronized void onAudited(AuditListener listener) {
        this.onAudited = listener;
    }

    /** Violations found on stream {@code sid} so far. */
    synchronized long violationsOn(int sid) {
        return violationsBySid.getOrDefault(sid, 0L);
    }

    /** The run's cache audit: its exposure windows become the report's. */
    synchronized void audit(CacheAudit a) {
        this.audit = a;
    }

    /** Counts a violation; keeps it in full (explanation, events, trace) only while its rule has room. */
    private void violation(String rule, Supplier<String> explanation, int sid, long iova, MapRecord record) {
        violationCount++;
        violationsBySid.merge(sid, 1L, Long::sum);
        lastRule = rule;
        long n = counts.merge(rule, 1L, Long::sum);
        group(rule, explanation, sid, iova, record);
        if (n > examplesPerRule) {
            return;
        }
        examples.add(new SimulationReport.Violation(rule, explanation.get(), sid, iova, events(record),
                trace(sid, iova)));
    }

    private String trace(int sid, long iova) {
        return "./iommu-sim trace --journal " + journalDir + " --iova 0x" + Long.toHexString(iova)
                + " --sid " + Integer.toUnsignedString(sid);
    }

    /** Counts the violation to its (rule, mapping) group; a rule keeps at most examplesPerRule groups. */
    private void group(String rule, Supplier<String> explanation, int sid, long iova, MapRecord record) {
        Map<MapRecord, long[]> byMapping = groupCounts.computeIfAbsent(rule, k -> new java.util.IdentityHashMap<>());
        MapRecord key = record == null ? NO_MAPPING : record;
        long[] tally = byMapping.get(key);
        if (tally == null) {
            if (byMapping.size() >= examplesPerRule) {
                return;
            }
            tally = new long[1];
            byMapping.put(key, tally);
            List<String> ev = events(record);
            groupFirsts.add(new SimulationReport.ViolationGroup(rule, ev.isEmpty() ? null : ev.get(0),
                    ev.size() < 2 ? null : ev.get(1), 0, explanation.get(), trace(sid, iova)));
            groupTallies.add(tally);
        }
        tally[0]++;
    }

    /** The group key of violations that name no mapping. */
    private static final MapRecord NO_MAPPING = new MapRecord(null, 0, 0, 0, null, 0, -1);

    /** Violations found so far. */
    synchronized long violationCount() {
        return violationCount;
    }

    /** The rule of the latest violation, null before any. */
    synchronized String lastRule() {
        return lastRule;
    }

    /** Moves the windows of mappings the history has forgotten into the histogram: they cannot grow any more. */
    private void closeStaleWindows() {
        for (int i = 0; i < SWEEP && !openStale.isEmpty(); i++) {
            MapRecord m = openStale.pollFirst();
            if (m.forgotten) {
                m.staleOpen = false;
                staleWindows.recordValue(window(m));
            } else {
                openStale.addLast(m);
            }
        }
    }

    private static long window(MapRecord m) {
        return Math.max(0, m.lastStaleUseAt - m.unmapAt);
    }

    /** One window per unmapped mapping that was used stale, from its unmap to its last stale use: closed and open. */
    synchronized Histogram staleWindows() {
        Histogram all = staleWindows.copy();
        for (MapRecord m : openStale) {
            all.recordValue(window(m));
        }
        return all;
    }

    /** Stale windows still open (for tests and memory figures). */
    synchronized int openStaleWindows() {
        return openStale.size();
    }

    /** Stale uses so far (permitted and not), and those after their sync (each also a violation). */
    synchronized long staleUses() {
        return staleUses;
    }

    synchronized long staleUsesAfterSync() {
        return staleUsesAfterSync;
    }

    /**
     * Exposure windows: the cache audit's when the run has one (unmap to no cache translating it), else the stale
     * windows (unmap to the last stale use).
     */
    synchronized Histogram exposureWindows() {
        return audit != null ? audit.windows() : staleWindows();
    }

    synchronized SimulationReport.Checker result() {
        List<SimulationReport.ViolationGroup> groups = new ArrayList<>(groupFirsts.size());
        for (int i = 0; i < groupFirsts.size(); i++) {
            SimulationReport.ViolationGroup g = groupFirsts.get(i);
            groups.add(new SimulationReport.ViolationGroup(g.rule(), g.mapping(), g.unmap(), groupTallies.get(i)[0],
                    g.explanation(), g.traceCommand()));
        }
        return new SimulationReport.Checker(checked, Math.toIntExact(violationCount), new TreeMap<>(counts),
                List.copyOf(examples), groups);
    }
}
