package org.iommusim.simulations.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.iommusim.simulations.json.JsonReader;

/**
 * Reads a {@code report.json} back into a {@link SimulationReport}, for
 * {@code compare} of finished runs: the inverse of {@link ReportJson}
 * ({@code FULL} scope). Keys it does not know are left alone, so reports
 * with more keys still read; a missing or mistyped key it needs is an
 * IllegalArgumentException naming the key and the file.
 */
public final class ReportReader {
    private final String where;

    private ReportReader(String where) {
        this.where = where;
    }

    /** The report in {@code file}. */
    public static SimulationReport read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Object root;
        try {
            root = JsonReader.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return new ReportReader(file.toString()).report(map(root, "the report", file.toString()));
    }

    private SimulationReport report(Map<?, ?> o) {
        Map<?, ?> checker = obj(o, "checker");
        Map<?, ?> iotlb = obj(o, "iotlb");
        Map<?, ?> latency = obj(o, "latency");
        Map<?, ?> stale = obj(o, "staleWindow");
        Map<?, ?> commands = obj(o, "commands");
        Map<?, ?> run = obj(o, "run");
        Map<String, Long> byRule = new LinkedHashMap<>();
        obj(checker, "violationsByRule").forEach((k, v) -> byRule.put((String) k, asLong(v, "violationsByRule." + k)));
        SimulationReport.Checker c = new SimulationReport.Checker(lng(checker, "translationsChecked"),
                Math.toIntExact(lng(checker, "violationCount")), byRule,
                list(checker, "violations", v -> new SimulationReport.Violation(str(v, "rule"), str(v, "explanation"),
                        (int) lng(v, "sid"), Long.parseUnsignedLong(str(v, "iova").substring(2), 16),
                        strings(v, "events"), str(v, "traceCommand"))),
                checker.containsKey("groups") ? list(checker, "groups", g -> new SimulationReport.ViolationGroup(
                        str(g, "rule"), str(g, "mapping"), str(g, "unmap"), lng(g, "count"), str(g, "explanation"),
                        str(g, "traceCommand"))) : null);
        SimulationReport.Iotlb i = new SimulationReport.Iotlb(lng(iotlb, "hits"), lng(iotlb, "misses"),
                dbl(iotlb, "hitRate"), iotlb.containsKey("tbus") ? list(iotlb, "tbus", t -> new SimulationReport.Tbu(
                        str(t, "smmu"), (int) lng(t, "tbu"), tlb(obj(t, "tlb")),
                        t.get("microTlb") == null ? null : tlb(obj(t, "microTlb")))) : List.of());
        SimulationReport.Answer answer = o.get("answer") == null ? null : answer(obj(o, "answer"));
        SimulationReport r = new SimulationReport(str(o, "scenario"), str(o, "file"), str(o, "question"),
                lng(o, "seed"), str(o, "mode"), str(o, "eventDigest"), c, i,
                new SimulationReport.Latency(lng(latency, "count"), dbl(latency, "meanNs"), lng(latency, "p50Ns"),
                        lng(latency, "p99Ns"), lng(latency, "maxNs"), buckets(latency, "histogram")),
                new SimulationReport.StaleWindow(lng(stale, "count"), lng(stale, "maxNs"), dbl(stale, "meanNs"),
                        buckets(stale, "distribution")),
                new SimulationReport.Commands(lng(commands, "submitted"), dbl(commands, "perSecond"),
                        lng(commands, "syncs"), dbl(commands, "meanSyncLatencyNs"), lng(commands, "maxQueueOccupancy")),
                points(o, "hitRateOverTime"), points(o, "queueOccupancy"), str(o, "journalDir"),
                new SimulationReport.Run(lng(run, "operations"), lng(run, "virtualNanos"), dbl(run, "wallSeconds")),
                list(o, "devices", this::device), answer);
        r = o.containsKey("deviceSeries") ? r.withDeviceSeries(list(o, "deviceSeries",
                d -> new SimulationReport.DeviceSeries(str(d, "name"), points(d, "hitRateOverTime"),
                        points(d, "exposureOverTime")))) : r;
        return o.get("timing") == null ? r : r.withTiming(timing(obj(o, "timing")));
    }

    /** The timing model's figures ({@link TimingJson}'s object). */
    private TimingReport timing(Map<?, ?> t) {
        Map<?, ?> sync = obj(t, "cmdSync");
        Map<?, ?> res = obj(t, "resources");
        return new TimingReport(
                list(t, "translation", l -> new TimingReport.LevelLatency(str(l, "device"), str(l, "level"),
                        lng(l, "count"), dbl(l, "meanNs"), lng(l, "p50Ns"), lng(l, "p99Ns"), lng(l, "maxNs"))),
                new TimingReport.Distribution(lng(sync, "count"), dbl(sync, "meanNs"), lng(sync, "p50Ns"),
                        lng(sync, "p99Ns"), lng(sync, "maxNs"), buckets(sync, "histogram")),
                list(t, "unmapCost", u -> new TimingReport.UnmapCost(lng(u, "upToPages"), lng(u, "count"),
                        dbl(u, "meanNs"), lng(u, "maxNs"))),
                list(t, "dma", d -> new TimingReport.DmaRate(str(d, "device"), lng(d, "translations"),
                        dbl(d, "perSecond"), dbl(d, "operationsPerSecond"), dbl(d, "offeredOperationsPerSecond"))),
                new TimingReport.Resources(lng(res, "translationSlotWaits"), lng(res, "translationSlotWaitNs"),
                        lng(res, "walkSlotWaits"), lng(res, "walkSlotWaitNs"), lng(res, "submissions"),
                        lng(res, "gathered")));
    }

    private SimulationReport.Device device(Map<?, ?> d) {
        return new SimulationReport.Device(str(d, "name"), (int) lng(d, "sid"), str(d, "workload"), lng(d, "hits"),
                lng(d, "misses"), lng(d, "staleUses"), lng(d, "faults"), lng(d, "operations"), bool(d, "untrusted"),
                lng(d, "unmaps"), lng(d, "tlbis"), lng(d, "syncs"), lng(d, "refills"), lng(d, "strays"),
                lng(d, "maxExposureNs"), lng(d, "maxUnmapsBehind"));
    }

    private SimulationReport.Answer answer(Map<?, ?> a) {
        return new SimulationReport.Answer(str(a, "expected"), bool(a, "borneOut"), list(a, "claims",
                c -> new SimulationReport.ClaimResult(str(c, "claim"), str(c, "observed"), bool(c, "holds"))));
    }

    private SimulationReport.Tlb tlb(Map<?, ?> t) {
        return new SimulationReport.Tlb((int) lng(t, "entries"), (int) lng(t, "ways"), str(t, "policy"),
                lng(t, "lookups"), lng(t, "hits"), lng(t, "misses"), lng(t, "fills"), lng(t, "evictions"),
                lng(t, "flushes"), lng(t, "invalidations"), lng(t, "entriesRemoved"));
    }

    private List<SimulationReport.Bucket> buckets(Map<?, ?> o, String key) {
        return list(o, key, b -> new SimulationReport.Bucket(lng(b, "upToNs"), lng(b, "count")));
    }

    private List<SimulationReport.Point> points(Map<?, ?> o, String key) {
        return list(o, key, p -> new SimulationReport.Point(lng(p, "timeNs"), dbl(p, "value")));
    }

    private <T> List<T> list(Map<?, ?> o, String key, Function<Map<?, ?>, T> each) {
        Object v = need(o, key);
        if (!(v instanceof List<?> items)) {
            throw bad(key, "a list");
        }
        List<T> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(each.apply(map(item, key + "[]", where)));
        }
        return out;
    }

    private List<String> strings(Map<?, ?> o, String key) {
        Object v = need(o, key);
        if (!(v instanceof List<?> items) || !items.stream().allMatch(x -> x instanceof String)) {
            throw bad(key, "a list of strings");
        }
        return items.stream().map(x -> (String) x).toList();
    }

    private Map<?, ?> obj(Map<?, ?> o, String key) {
        return map(need(o, key), key, where);
    }

    private String str(Map<?, ?> o, String key) {
        Object v = o.get(key);
        if (v != null && !(v instanceof String)) {
            throw bad(key, "a string");
        }
        return (String) v;
    }

    private long lng(Map<?, ?> o, String key) {
        return asLong(need(o, key), key);
    }

    private long asLong(Object v, String key) {
        if (!(v instanceof BigDecimal b)) {
            throw bad(key, "a number");
        }
        return b.longValue();
    }

    /** A double; null is NaN (what a NaN was written as). */
    private double dbl(Map<?, ?> o, String key) {
        Object v = o.get(key);
        if (v == null) {
            return Double.NaN;
        }
        if (!(v instanceof BigDecimal b)) {
            throw bad(key, "a number");
        }
        return b.doubleValue();
    }

    private boolean bool(Map<?, ?> o, String key) {
        if (!(need(o, key) instanceof Boolean b)) {
            throw bad(key, "true or false");
        }
        return b;
    }

    private Object need(Map<?, ?> o, String key) {
        if (!o.containsKey(key)) {
            throw new IllegalArgumentException(where + ": no \"" + key + "\"; is this a report.json of iommu-sim?");
        }
        return o.get(key);
    }

    private IllegalArgumentException bad(String key, String what) {
        return new IllegalArgumentException(where + ": \"" + key + "\" is not " + what);
    }

    private static Map<?, ?> map(Object v, String key, String where) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": " + key + " is not a JSON object");
        }
        return m;
    }
}
