package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.timing.SharedCmdq;
import org.iommusim.persistence.timing.SmmuTiming;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.report.TimingReport;
import org.iommusim.simulations.scenario.Costs;

/** What a run measures, in virtual time; in memory that does not grow with the run (histograms, {@link Series}). */
final class Metrics {
    private final Costs costs;
    private final long sampleEveryNs;
    private final Histogram latency = new Histogram(3);
    private long hits;
    private long misses;
    private long intervalHits;
    private long intervalLookups;
    private long nextSample;
    private final Series hitRate = new Series(Series.Kind.RATIO);
    private final Series occupancy = new Series(Series.Kind.MAX);
    /** Every time-series sample passes through here, so each series is in time order. */
    private final TimeOrder<Sample> order = new TimeOrder<>(this::apply, 1 << 16);
    /** Per device (by name, in the order first seen): its hit rate per interval and its stale exposures. */
    private final Map<String, PerDevice> perDevice = new LinkedHashMap<>();
    /** Entries between CONS and PROD, as submissions arrive and the SMMU consumes them (in time order). */
    private long queued;
    private long commands;
    private long syncs;
    private long syncLatencyTotal;
    private long maxOccupancy;
    /** The timing model (docs/TIMING.md): each SMMU's slots and command queue, by SMMU id. */
    private final Map<String, SmmuTiming> timing = new TreeMap<>();
    private final int cpus;
    private final boolean timed;
    /** Per device: translation latency by level (see {@link #LEVELS}). */
    private final Map<String, Histogram[]> levelLatency = new TreeMap<>();
    private static final String[] LEVELS = {"tlb", "walk", "config"};
    /** Per device: of its misses' latency, the part spent waiting for the TBU-TCU link (timed runs). */
    private final Map<String, Histogram> linkWait = new TreeMap<>();
    private final Histogram syncLatency = new Histogram(3);
    /** Unmap calls by pages (up to a power of two): {count, total ns, max ns}. */
    private final TreeMap<Long, long[]> unmapCost = new TreeMap<>();

    Metrics(Costs costs, long sampleEveryNs) {
        this(costs, sampleEveryNs, 1);
    }

    /** {@code cpus}: the CPUs that share each SMMU's command queue. */
    Metrics(Costs costs, long sampleEveryNs, int cpus) {
        this(costs, sampleEveryNs, cpus, true);
    }

    /**
     * {@code timed} false: the timing model off, every step at its fixed
     * cost (no slots, no queues, no contention): only for the benchmark that
     * measures what the model costs the engine ({@code timingOverheadRatio}).
     */
    Metrics(Costs costs, long sampleEveryNs, int cpus, boolean timed) {
        this.timed = timed;
        this.costs = costs;
        this.sampleEveryNs = Math.max(1, sampleEveryNs);
        this.nextSample = this.sampleEveryNs;
        this.cpus = Math.max(1, cpus);
    }

    /** A time-series sample: a lookup of {@code device} (hit 1, miss 0), a queue change, or a stale exposure. */
    private record Sample(char kind, String device, long value) {}

    /** One device's series. */
    private static final class PerDevice {
        final Series hitRate = new Series(Series.Kind.RATIO);
        final Series exposure = new Series(Series.Kind.MAX);
        long intervalHits;
        long intervalLookups;
    }

    private SmmuTiming timing(String smmu) {
        if (smmu.equals(lastSmmu)) { // one lookup per translation: most runs have one SMMU
            return lastTiming;
        }
        SmmuTiming t = timing.computeIfAbsent(smmu, k -> new SmmuTiming(costs.translation(), costs.commandCosts(),
                costs.cmdq(), cpus));
        lastSmmu = smmu;
        lastTiming = t;
        return t;
    }

    private String lastSmmu;
    private SmmuTiming lastTiming;

    /**
     * Records a translation of {@code device}'s at {@code smmu}, asked at
     * {@code t}, and returns its virtual latency: the timing model's, with the
     * SMMU's TBU-TCU link and walk slots (a walk costs the descriptors it read).
     */
    synchronized long translation(String device, String smmu, long t, TranslationWorker.Traced r) {
        long ns;
        if (timed) {
            SmmuTiming.Translation tr = timing(smmu).translate(t, r.path(), r.walkSteps());
            ns = tr.latency();
            if (r.path() == Outcome.Path.MISS) {
                linkWait.computeIfAbsent(device, k -> new Histogram(3)).recordValue(tr.linkWaitNs());
            }
        } else {
            ns = costs.translation().hit() + (r.path() == Outcome.Path.MISS ? costs.translation().miss(r.walkSteps())
                    : 0);
        }
        // misses of a bounded configuration cache: one memory read per STE or CD fetched (not held in a walk slot)
        ns += r.configReads() * costs.translation().memoryReadNs();
        int level = switch (r.path()) {
            case HIT -> 0;
            case MISS -> 1;
            case CONFIG -> 2;
        };
        Histogram[] h = levelLatency.computeIfAbsent(device, k -> new Histogram[LEVELS.length]);
        if (h[level] == null) {
            h[level] = new Histogram(3);
        }
        h[level].recordValue(ns);
        record(t, device, r, ns);
        return ns;
    }

    /**
     * A CPU submits {@code entries} to {@code smmu}'s command queue at
     * {@code t} (ending in a CMD_SYNC if it waits): returns how long the CPU
     * is held, to the sync's completion if it waits, else to its insertion.
     */
    synchronized long submit(String smmu, long t, List<? extends Command> entries) {
        boolean waits = !entries.isEmpty() && entries.get(entries.size() - 1).opcode() == CommandOpcode.CMD_SYNC;
        if (!timed) {
            long ns = 0;
            for (Command c : entries) {
                ns += costs.commandCosts().of(c.opcode());
            }
            commands += entries.size();
            syncs += waits ? 1 : 0;
            queue(t, t + ns, entries.size());
            return ns;
        }
        SharedCmdq.Submission s = timing(smmu).submit(t, entries);
        commands += entries.size();
        queue(t, Math.max(t, s.completed()), entries.size());
        if (!waits) {
            return s.inserted() - t;
        }
        syncs++;
        syncLatencyTotal += s.latency();
        syncLatency.recordValue(s.latency());
        return s.latency();
    }

    /**
     * The entries wait in the queue from their submission until the SMMU has consumed them: a step series with
     * a point at every change, whoever submitted.
     */
    private void queue(long from, long to, int entries) {
        order.add(from, new Sample('Q', null, entries));
        order.add(to, new Sample('Q', null, -entries));
    }

    /** An unmap call of {@code pages} pages that took {@code ns} from the call to its IOVAs' release. */
    synchronized void unmap(long pages, long ns) {
        long bucket = Long.highestOneBit(Math.max(1, pages));
        bucket = bucket == pages ? bucket : bucket << 1;
        long[] a = unmapCost.computeIfAbsent(bucket, k -> new long[3]);
        a[0]++;
        a[1] += ns;
        a[2] = Math.max(a[2], ns);
    }

    /** The timing model's figures; {@code virtualNanos} is the run's length. */
    synchronized TimingReport timing(long virtualNanos) {
        List<TimingReport.LevelLatency> levels = new ArrayList<>();
        for (Map.Entry<String, Histogram[]> e : levelLatency.entrySet()) {
            for (int i = 0; i < LEVELS.length; i++) {
                Histogram h = e.getValue()[i];
                if (h != null) {
                    levels.add(new TimingReport.LevelLatency(e.getKey(), LEVELS[i], h.getTotalCount(), h.getMean(),
                            h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue()));
                }
                Histogram w = i == 1 ? linkWait.get(e.getKey()) : null;
                if (w != null) {
                    // a component of the walk row above it, not a level of its own: not counted in the DMA rate
                    levels.add(new TimingReport.LevelLatency(e.getKey(), TimingReport.LINK_WAIT, w.getTotalCount(), w.getMean(),
                            w.getValueAtPercentile(50), w.getValueAtPercentile(99), w.getMaxValue()));
                }
            }
        }
        List<TimingReport.UnmapCost> unmaps = new ArrayList<>();
        unmapCost.forEach((pages, a) -> unmaps.add(new TimingReport.UnmapCost(pages, a[0], (double) a[1] / a[0],
                a[2])));
        List<TimingReport.DmaRate> rates = new ArrayList<>();
        levelLatency.forEach((d, hs) -> {
            long n = 0;
            for (Histogram h : hs) {
                n += h == null ? 0 : h.getTotalCount();
            }
            rates.add(new TimingReport.DmaRate(d, n, virtualNanos == 0 ? 0 : n * 1e9 / virtualNanos, 0, 0));
        });
        long tw = 0;
        long twNs = 0;
        long ww = 0;
        long wwNs = 0;
        long subs = 0;
        long gathered = 0;
        for (SmmuTiming t : timing.values()) {
            tw += t.translationSlots().waits();
            twNs += t.translationSlots().waitedNs();
            ww += t.walkSlots().waits();
            wwNs += t.walkSlots().waitedNs();
            subs += t.cmdq().submissions();
            gathered += t.cmdq().gathered();
        }
        return new TimingReport(levels, distribution(syncLatency), unmaps, rates,
                new TimingReport.Resources(tw, twNs, ww, wwNs, subs, gathered));
    }

    private static TimingReport.Distribution distribution(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new TimingReport.Distribution(0, 0, 0, 0, 0, List.of());
        }
        return new TimingReport.Distribution(h.getTotalCount(), h.getMean(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getMaxValue(), buckets(h));
    }

    private static List<SimulationReport.Bucket> buckets(Histogram h) {
        List<SimulationReport.Bucket> buckets = new ArrayList<>();
        for (var v : h.linearBucketValues(Math.max(1, (h.getMaxValue() + 20) / 20))) {
            if (v.getCountAddedInThisIterationStep() > 0) {
                buckets.add(new SimulationReport.Bucket(v.getValueIteratedTo(), v.getCountAddedInThisIterationStep()));
            }
        }
        return buckets;
    }

    private void record(long t, String device, TranslationWorker.Traced r, long ns) {
        latency.recordValue(ns);
        if (r.path() != Outcome.Path.CONFIG) {
            boolean hit = r.path() == Outcome.Path.HIT;
            hits += hit ? 1 : 0;
            misses += hit ? 0 : 1;
            order.add(t, new Sample('L', device, hit ? 1 : 0));
        }
    }

    /** {@code device} reached a mapping at {@code t}, {@code exposureNs} after its unmap (a stale use). */
    synchronized void exposure(String device, long t, long exposureNs) {
        order.add(t, new Sample('E', device, exposureNs));
    }

    /** Nothing recorded from now on is earlier than {@code t}: the series up to it are final. */
    synchronized void settle(long t) {
        order.settle(t);
    }

    private void apply(long t, Sample s) {
        switch (s.kind) {
            case 'L' -> {
                sample(t);
                intervalHits += s.value;
                intervalLookups++;
                if (s.device != null) {
                    PerDevice d = perDevice.computeIfAbsent(s.device, k -> new PerDevice());
                    d.intervalHits += s.value;
                    d.intervalLookups++;
                }
            }
            case 'Q' -> {
                queued += s.value;
                maxOccupancy = Math.max(maxOccupancy, queued);
                occupancy.add(t, queued);
            }
            case 'E' -> perDevice.computeIfAbsent(s.device, k -> new PerDevice()).exposure.add(t, s.value);
            default -> throw new IllegalStateException("no sample kind " + s.kind);
        }
    }

    private void sample(long t) {
        while (t >= nextSample) {
            if (intervalLookups > 0) {
                hitRate.add(nextSample, intervalHits, intervalLookups);
            }
            intervalHits = 0;
            intervalLookups = 0;
            for (PerDevice d : perDevice.values()) {
                if (d.intervalLookups > 0) {
                    d.hitRate.add(nextSample, d.intervalHits, d.intervalLookups);
                }
                d.intervalHits = 0;
                d.intervalLookups = 0;
            }
            nextSample += sampleEveryNs;
        }
    }

    synchronized SimulationReport.Iotlb iotlb() {
        long n = hits + misses;
        return new SimulationReport.Iotlb(hits, misses, n == 0 ? 0 : (double) hits / n);
    }

    synchronized SimulationReport.Latency latency() {
        List<SimulationReport.Bucket> buckets = new ArrayList<>();
        for (var v : latency.linearBucketValues(Math.max(1, (latency.getMaxValue() + 20) / 20))) {
            if (v.getCountAddedInThisIterationStep() > 0) {
                buckets.add(new SimulationReport.Bucket(v.getValueIteratedTo(), v.getCountAddedInThisIterationStep()));
            }
        }
        return new SimulationReport.Latency(latency.getTotalCount(), latency.getMean(), latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), latency.getMaxValue(), buckets);
    }

    /** The stale windows' summary from their histogram (one value per window, ns). */
    static SimulationReport.StaleWindow staleWindows(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new SimulationReport.StaleWindow(0, 0, 0, List.of());
        }
        List<SimulationReport.Bucket> buckets = new ArrayList<>();
        for (var v : h.linearBucketValues(Math.max(1, (h.getMaxValue() + 20) / 20))) {
            if (v.getCountAddedInThisIterationStep() > 0) {
                buckets.add(new SimulationReport.Bucket(v.getValueIteratedTo(), v.getCountAddedInThisIterationStep()));
            }
        }
        return new SimulationReport.StaleWindow(h.getTotalCount(), h.getMaxValue(), h.getMean(), buckets);
    }

    synchronized SimulationReport.Commands commandSummary(long virtualNanos) {
        order.settleAll();
        return new SimulationReport.Commands(commands, virtualNanos == 0 ? 0 : commands * 1e9 / virtualNanos, syncs,
                syncs == 0 ? 0 : (double) syncLatencyTotal / syncs, maxOccupancy);
    }

    /** The hit rate per sampling interval (bounded: see {@link Series}). */
    synchronized List<SimulationReport.Point> hitRate() {
        order.settleAll();
        return hitRate.points();
    }

    /** The queue occupancy at every change, largest of merged points (bounded: see {@link Series}). */
    synchronized List<SimulationReport.Point> occupancy() {
        order.settleAll();
        return occupancy.points();
    }

    /** {@code device}'s hit rate per sampling interval and its stale exposures over time. */
    synchronized SimulationReport.DeviceSeries deviceSeries(String device) {
        order.settleAll();
        PerDevice d = perDevice.get(device);
        return d == null ? new SimulationReport.DeviceSeries(device, List.of(), List.of())
                : new SimulationReport.DeviceSeries(device, d.hitRate.points(), d.exposure.points());
    }
}
