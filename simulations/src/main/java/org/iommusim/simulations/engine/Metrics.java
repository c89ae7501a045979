package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.simulations.report.SimulationReport;
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

    Metrics(Costs costs, long sampleEveryNs) {
        this.costs = costs;
        this.sampleEveryNs = Math.max(1, sampleEveryNs);
        this.nextSample = this.sampleEveryNs;
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

    /** Records a translation and returns its virtual latency. */
    synchronized long translation(long t, TranslationWorker.Traced r) {
        return translation(null, t, r);
    }

    /** Records a translation of {@code device} (null: none) and returns its virtual latency. */
    synchronized long translation(String device, long t, TranslationWorker.Traced r) {
        long ns = switch (r.path()) {
            case HIT -> costs.hitNs();
            case MISS -> costs.missNs() + r.walkSteps() * costs.walkStepNs();
            case CONFIG -> costs.hitNs();
        };
        latency.recordValue(ns);
        if (r.path() != Outcome.Path.CONFIG) {
            boolean hit = r.path() == Outcome.Path.HIT;
            hits += hit ? 1 : 0;
            misses += hit ? 0 : 1;
            order.add(t, new Sample('L', device, hit ? 1 : 0));
        }
        return ns;
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

    /**
     * Records a submission of {@code entries} (with {@code waited} syncs) and returns its virtual cost; the
     * entries count as queued from {@code t} until that cost has passed ({@code pendingAfter} is what the
     * submitter alone saw).
     */
    synchronized long commands(long t, int entries, int pendingAfter, boolean waitedForSync) {
        commands += entries;
        long ns = entries * costs.commandNs();
        if (waitedForSync) {
            syncs++;
            ns += costs.syncNs();
            syncLatencyTotal += ns;
        }
        // the entries wait in the queue from their submission until the SMMU has consumed them: a step
        // series with a point at every change, whoever submitted
        order.add(t, new Sample('Q', null, entries));
        order.add(t + ns, new Sample('Q', null, -entries));
        return ns;
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
