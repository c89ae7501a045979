package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.List;
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
    private long commands;
    private long syncs;
    private long syncLatencyTotal;
    private long maxOccupancy;

    Metrics(Costs costs, long sampleEveryNs) {
        this.costs = costs;
        this.sampleEveryNs = Math.max(1, sampleEveryNs);
        this.nextSample = this.sampleEveryNs;
    }

    /** Records a translation and returns its virtual latency. */
    synchronized long translation(long t, TranslationWorker.Traced r) {
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
            intervalHits += hit ? 1 : 0;
            intervalLookups++;
        }
        sample(t);
        return ns;
    }

    /** Records a submission of {@code entries} (with {@code waited} syncs) and returns its virtual cost. */
    synchronized long commands(long t, int entries, int pendingAfter, boolean waitedForSync) {
        commands += entries;
        long ns = entries * costs.commandNs();
        if (waitedForSync) {
            syncs++;
            ns += costs.syncNs();
            syncLatencyTotal += ns;
        }
        maxOccupancy = Math.max(maxOccupancy, pendingAfter);
        occupancy.add(t, pendingAfter);
        return ns;
    }

    private void sample(long t) {
        while (t >= nextSample) {
            if (intervalLookups > 0) {
                hitRate.add(nextSample, intervalHits, intervalLookups);
            }
            intervalHits = 0;
            intervalLookups = 0;
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
        return new SimulationReport.Commands(commands, virtualNanos == 0 ? 0 : commands * 1e9 / virtualNanos, syncs,
                syncs == 0 ? 0 : (double) syncLatencyTotal / syncs, maxOccupancy);
    }

    /** The hit rate per sampling interval (bounded: see {@link Series}). */
    synchronized List<SimulationReport.Point> hitRate() {
        return hitRate.points();
    }

    /** The queue occupancy after each submission (bounded: see {@link Series}). */
    synchronized List<SimulationReport.Point> occupancy() {
        return occupancy.points();
    }
}
