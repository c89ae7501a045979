package org.iommusim.simulations.report;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a run reports; written as {@code report.json} and rendered as
 * {@code report.html}. Times are virtual nanoseconds.
 *
 * @param eventDigest     SHA-256 of the exported event stream without wall-clock fields
 * @param hitRate         IOTLB hit rate over virtual time (one point per sampling interval; adjacent
 *                        intervals merged pairwise while there are more than a thousand)
 * @param latency         translation latency histogram in virtual time
 * @param staleWindow     exposure measured from the caches: unmap to the moment no cache translates it
 * @param queueOccupancy  command-queue occupancy over virtual time (entries between CONS and PROD; the
 *                        largest of adjacent points, merged pairwise while there are more than a thousand)
 * @param journalDir      where the run's LevelDB journal is
 * @param devices         per-device figures
 * @param answer          the scenario's expected answer and whether this run bears it out; null when the
 *                        scenario states none
 * @param deviceSeries    per device, its hit rate and stale exposures over virtual time (empty when none)
 * @param timing          the timing model's figures (deterministic runs); null when there are none
 */
public record SimulationReport(String scenario, String file, String question, long seed, String mode,
        String eventDigest, Checker checker, Iotlb iotlb, Latency latency, StaleWindow staleWindow,
        Commands commands, List<Point> hitRate, List<Point> queueOccupancy, String journalDir, Run run,
        List<Device> devices, Answer answer, List<DeviceSeries> deviceSeries, TimingReport timing) {

    public SimulationReport {
        deviceSeries = deviceSeries == null ? List.of() : List.copyOf(deviceSeries);
    }

    /** A report without timing figures (see {@link TimingReport}). */
    public SimulationReport(String scenario, String file, String question, long seed, String mode,
            String eventDigest, Checker checker, Iotlb iotlb, Latency latency, StaleWindow staleWindow,
            Commands commands, List<Point> hitRate, List<Point> queueOccupancy, String journalDir, Run run,
            List<Device> devices, Answer answer, List<DeviceSeries> deviceSeries) {
        this(scenario, file, question, seed, mode, eventDigest, checker, iotlb, latency, staleWindow, commands,
                hitRate, queueOccupancy, journalDir, run, devices, answer, deviceSeries, null);
    }

    /** A report without per-device series or timing figures. */
    public SimulationReport(String scenario, String file, String question, long seed, String mode,
            String eventDigest, Checker checker, Iotlb iotlb, Latency latency, StaleWindow staleWindow,
            Commands commands, List<Point> hitRate, List<Point> queueOccupancy, String journalDir, Run run,
            List<Device> devices, Answer answer) {
        this(scenario, file, question, seed, mode, eventDigest, checker, iotlb, latency, staleWindow, commands,
                hitRate, queueOccupancy, journalDir, run, devices, answer, List.of(), null);
    }

    /** A report without an expected answer. */
    public SimulationReport(String scenario, String file, String question, long seed, String mode,
            String eventDigest, Checker checker, Iotlb iotlb, Latency latency, StaleWindow staleWindow,
            Commands commands, List<Point> hitRate, List<Point> queueOccupancy, String journalDir, Run run,
            List<Device> devices) {
        this(scenario, file, question, seed, mode, eventDigest, checker, iotlb, latency, staleWindow, commands,
                hitRate, queueOccupancy, journalDir, run, devices, null);
    }

    /** This report with {@code a} as its answer. */
    public SimulationReport withAnswer(Answer a) {
        return new SimulationReport(scenario, file, question, seed, mode, eventDigest, checker, iotlb, latency,
                staleWindow, commands, hitRate, queueOccupancy, journalDir, run, devices, a, deviceSeries, timing);
    }

    /** This report with {@code t} as its timing figures. */
    public SimulationReport withTiming(TimingReport t) {
        return new SimulationReport(scenario, file, question, seed, mode, eventDigest, checker, iotlb, latency,
                staleWindow, commands, hitRate, queueOccupancy, journalDir, run, devices, answer, deviceSeries, t);
    }

    /** This report with {@code series} as its per-device series. */
    public SimulationReport withDeviceSeries(List<DeviceSeries> series) {
        return new SimulationReport(scenario, file, question, seed, mode, eventDigest, checker, iotlb, latency,
                staleWindow, commands, hitRate, queueOccupancy, journalDir, run, devices, answer, series, timing);
    }

    /**
     * One device over virtual time.
     *
     * @param hitRate  its IOTLB hit rate per sampling interval (the intervals of {@code hitRateOverTime})
     * @param exposure each stale use of it: when, and how long after the unmap of the mapping it reached
     *                 (the largest of merged points)
     */
    public record DeviceSeries(String device, List<Point> hitRate, List<Point> exposure) {
        public DeviceSeries {
            hitRate = List.copyOf(hitRate);
            exposure = List.copyOf(exposure);
        }
    }

    /**
     * The expected answer, in words, and each of its claims judged on this run.
     *
     * @param borneOut whether every claim holds (true when there are none to judge)
     */
    public record Answer(String expected, boolean borneOut, List<ClaimResult> claims) {
        public Answer {
            claims = List.copyOf(claims);
        }
    }

    /** One claim of the expected answer, what this run measured, and whether the claim holds. */
    public record ClaimResult(String claim, String observed, boolean holds) {}

    /**
     * Per device: its stream, IOTLB hits and misses, stale uses and faults (what the per-window questions
     * need), and what its driver did for it.
     *
     * @param operations      its operations (steps) in the run
     * @param untrusted       whether it is always strict
     * @param unmaps          unmap calls of its buffers
     * @param tlbis           TLBI commands its unmaps caused (a lazy flush counts to the device whose unmap
     *                        filled the queue; a timer flush to none)
     * @param syncs           CMD_SYNCs its unmaps waited for
     * @param refills         misses on pages it had already translated under the same mapping (an entry
     *                        evicted or invalidated while still mapped); deterministic runs only
     * @param strays          late DMAs it issued into buffers already unmapped
     * @param maxExposureNs   measured from the caches: the longest time from an unmap of its buffers until no
     *                        cache could translate them any more
     * @param maxUnmapsBehind at that moment, the most unmap calls its CPU had made since the buffer's
     * @param exposed         its unmapped mappings a cache still translated at their unmap (each one window)
     * @param maxStaleUseNs   the longest time from an unmap to a late DMA that still reached the buffer (a stale use)
     * @param maxStaleUseUnmapsBehind at such a DMA, the most unmap calls its CPU had made since the buffer's
     * @param violations      checker violations on its stream (translations and cache audits)
     */
    public record Device(String name, int sid, String workload, long hits, long misses, long staleUses, long faults,
            long operations, boolean untrusted, long unmaps, long tlbis, long syncs, long refills, long strays,
            long maxExposureNs, long maxUnmapsBehind, long exposed, long maxStaleUseNs, long maxStaleUseUnmapsBehind,
            long violations) {

        /** The figures without the cache audit's and the checker's per-device counts. */
        public Device(String name, int sid, String workload, long hits, long misses, long staleUses, long faults,
                long operations, boolean untrusted, long unmaps, long tlbis, long syncs, long refills, long strays,
                long maxExposureNs, long maxUnmapsBehind) {
            this(name, sid, workload, hits, misses, staleUses, faults, operations, untrusted, unmaps, tlbis, syncs,
                    refills, strays, maxExposureNs, maxUnmapsBehind, 0, 0, 0, 0);
        }

        /** The figures of a device the run did not follow its driver for. */
        public Device(String name, int sid, String workload, long hits, long misses, long staleUses, long faults) {
            this(name, sid, workload, hits, misses, staleUses, faults, 0, false, 0, 0, 0, 0, 0, 0, 0);
        }

        public double hitRate() {
            long n = hits + misses;
            return n == 0 ? 0 : (double) hits / n;
        }

        /** TLBI commands per unmap call (0 without unmaps). */
        public double tlbisPerUnmap() {
            return unmaps == 0 ? 0 : (double) tlbis / unmaps;
        }
    }

    /** One point of a time series. */
    public record Point(long timeNs, double value) {}

    /**
     * The checker's verdict. Every violation is counted, per rule; only the
     * first few of each rule are kept in full ({@code violations}, in the
     * order found), so a run of any length reports in bounded memory.
     *
     * @param violationCount   every violation found; 0 is a pass
     * @param violationsByRule the same count per rule, by rule name
     * @param violations       the violations kept in full: all of them when
     *                         {@code violations.size() == violationCount}
     */
    public record Checker(long translationsChecked, int violationCount, Map<String, Long> violationsByRule,
            List<Violation> violations, long staleUses, long staleUsesAfterSync, List<InjectedFault> faults,
            long cacheReadings, List<ViolationGroup> groups) {

        public Checker {
            violationsByRule = violationsByRule == null ? Map.of()
                    : Collections.unmodifiableMap(new TreeMap<>(violationsByRule));
            faults = faults == null ? List.of() : List.copyOf(faults);
            groups = groups == null ? ViolationGroup.of(violations) : List.copyOf(groups);
        }

        /** A verdict without stale-use counts, injected faults or cache audits; its groups are its violations'. */
        public Checker(long translationsChecked, int violationCount, Map<String, Long> violationsByRule,
                List<Violation> violations) {
            this(translationsChecked, violationCount, violationsByRule, violations, 0, 0, List.of(), 0, null);
        }

        /** A verdict with its violation groups, without stale-use counts, injected faults or cache audits. */
        public Checker(long translationsChecked, int violationCount, Map<String, Long> violationsByRule,
                List<Violation> violations, List<ViolationGroup> groups) {
            this(translationsChecked, violationCount, violationsByRule, violations, 0, 0, List.of(), 0, groups);
        }

        /** This verdict with the run's stale-use counts, injected faults and cache readings. */
        public Checker with(long uses, long usesAfterSync, List<InjectedFault> injected, long readings) {
            return new Checker(translationsChecked, violationCount, violationsByRule, violations, uses, usesAfterSync,
                    injected, readings, groups);
        }

        /** One line per injected fault that never fired: its run tested nothing it meant to. */
        public List<String> warnings() {
            return faults.stream().filter(f -> !f.fired())
                    .map(f -> "injected fault " + f.kind() + " nth=" + f.nth() + " never fired: the run had only "
                            + f.occasions() + " such occasion" + (f.occasions() == 1 ? "" : "s"))
                    .toList();
        }

        /** A verdict that lists every violation it counts. */
        public Checker(long translationsChecked, int violationCount, List<Violation> violations) {
            this(translationsChecked, violationCount, byRule(violations), violations);
        }

        private static Map<String, Long> byRule(List<Violation> violations) {
            Map<String, Long> out = new TreeMap<>();
            for (Violation v : violations == null ? List.<Violation>of() : violations) {
                out.merge(v.rule(), 1L, Long::sum);
            }
            return out;
        }

        /** How many violations are kept in full. */
        public int examplesKept() {
            return violations == null ? 0 : violations.size();
        }
    }

    /**
     * A fault the scenario injected, and whether it fired: on which occasion of its kind it was due, how many
     * occasions the run had, and what it hit (null when it never fired).
     */
    public record InjectedFault(String kind, long nth, boolean fired, long occasions, String hit) {}

    /**
     * A checker finding: what rule broke, explained, with the journal event
     * sequence numbers to look at and a ready {@code iommu-sim trace} command.
     */
    public record Violation(String rule, String explanation, int sid, long iova, List<String> events,
            String traceCommand) {}

    /**
     * Violations of one rule on one mapping and its unmap (the journal events {@code mapping} and
     * {@code unmap}; both null when the violation names no mapping), counted; the first one explains them
     * all and gives the one trace command.
     */
    public record ViolationGroup(String rule, String mapping, String unmap, long count, String explanation,
            String traceCommand) {

        /** The groups of {@code violations}, in the order each group's first violation was found. */
        static List<ViolationGroup> of(List<Violation> violations) {
            Map<List<String>, ViolationGroup> groups = new java.util.LinkedHashMap<>();
            for (Violation v : violations == null ? List.<Violation>of() : violations) {
                String mapping = v.events() == null || v.events().isEmpty() ? null : v.events().get(0);
                String unmap = v.events() == null || v.events().size() < 2 ? null : v.events().get(1);
                groups.merge(java.util.Arrays.asList(v.rule(), mapping, unmap),
                        new ViolationGroup(v.rule(), mapping, unmap, 1, v.explanation(), v.traceCommand()),
                        (a, b) -> new ViolationGroup(a.rule, a.mapping, a.unmap, a.count + 1, a.explanation,
                                a.traceCommand));
            }
            return List.copyOf(groups.values());
        }
    }

    /**
     * Translation-cache figures of the whole run, and each TBU's own counters
     * at its end ({@code tbus}: the model's, by SMMU and TBU; hits and misses
     * count since the last start of the model unless a snapshot carried them).
     */
    public record Iotlb(long hits, long misses, double hitRate, List<Tbu> tbus, List<TcuCache> tcu) {
        public Iotlb {
            tbus = tbus == null ? List.of() : List.copyOf(tbus);
            tcu = tcu == null ? List.of() : List.copyOf(tcu);
        }

        public Iotlb(long hits, long misses, double hitRate, List<Tbu> tbus) {
            this(hits, misses, hitRate, tbus, List.of());
        }

        public Iotlb(long hits, long misses, double hitRate) {
            this(hits, misses, hitRate, List.of());
        }

        public Iotlb withTbus(List<Tbu> t) {
            return new Iotlb(hits, misses, hitRate, t, tcu);
        }

        /** With each SMMU's TCU caches ({@code report.json}'s {@code tcu}, beside {@code iotlb}). */
        public Iotlb withTcu(List<TcuCache> t) {
            return new Iotlb(hits, misses, hitRate, tbus, t);
        }
    }

    /** One of an SMMU's TCU caches: a walk cache ({@code walk-s1-l2}), the IPA cache ({@code ipa}). */
    public record TcuCache(String smmu, String cache, int capacity, int size, long lookups, long hits, long misses,
            long fills, long evictions, long invalidations, long freedTableReads) {}

    /** One TBU's TLB, and its micro-TLB (null when it has none). */
    public record Tbu(String smmu, int tbu, Tlb tlb, Tlb micro) {}

    /** One TLB's geometry and counters. */
    public record Tlb(int capacity, int ways, String policy, long lookups, long hits, long misses, long fills,
            long evictions, long flushes, long invalidations, long entriesRemoved) {}

    /** Percentiles and the histogram buckets (upper bound ns, count). */
    public record Latency(long count, double meanNs, long p50Ns, long p99Ns, long maxNs, List<Bucket> histogram) {}

    public record Bucket(long upToNs, long count) {}

    /**
     * Exposure windows, measured from the caches (one per unmapped mapping a cache still translated at its
     * unmap, until none did): their count, maximum, distribution and the most unmap calls behind at a window's
     * end; and beside them the stale uses (translations that returned a mapping after its unmap).
     */
    public record StaleWindow(long count, long maxNs, double meanNs, List<Bucket> distribution, long maxUnmapsBehind,
            long staleUses) {
        public StaleWindow(long count, long maxNs, double meanNs, List<Bucket> distribution) {
            this(count, maxNs, meanNs, distribution, 0, 0);
        }

        public StaleWindow with(long unmapsBehind, long uses) {
            return new StaleWindow(count, maxNs, meanNs, distribution, unmapsBehind, uses);
        }
    }

    public record Commands(long submitted, double perSecond, long syncs, double meanSyncLatencyNs,
            long maxQueueOccupancy) {}

    /** How the run went: operations done, virtual time covered, wall-clock seconds (not in the digest). */
    public record Run(long operations, long virtualNanos, double wallSeconds) {}
}
