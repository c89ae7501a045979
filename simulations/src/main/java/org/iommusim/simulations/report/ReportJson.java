package org.iommusim.simulations.report;

import java.util.List;
import java.util.Objects;
import org.iommusim.simulations.report.SimulationReport.Bucket;
import org.iommusim.simulations.report.SimulationReport.Point;
import org.iommusim.simulations.report.SimulationReport.Violation;

/**
 * The JSON form of a {@link SimulationReport}. Field names and order are a
 * published contract (docs/REPORTS.md): other tools read them by name.
 */
final class ReportJson {

    /** Whether the fields that differ between two runs of the same seed are kept. */
    enum Scope {
        /** Everything: what {@code report.json} holds. */
        FULL,
        /** Without {@code journalDir} and {@code run.wallSeconds}: equal for equal seeds and scenarios. */
        DETERMINISTIC
    }

    private ReportJson() {}

    static Json.Obj of(SimulationReport r, Scope scope) {
        Json.Obj o = new Json.Obj()
                .string("scenario", r.scenario())
                .string("file", r.file())
                .string("question", r.question())
                .put("answer", r.answer() == null ? Json.NULL : answer(r.answer()))
                .number("seed", r.seed())
                .string("mode", r.mode())
                .string("eventDigest", r.eventDigest())
                .put("checker", checker(require(r.checker(), "checker")))
                .put("iotlb", iotlb(require(r.iotlb(), "iotlb")))
                .put("tcu", Json.array(r.iotlb().tcu().stream().map(ReportJson::tcuCache).toList()))
                .put("devices", Json.array(orEmpty(r.devices()).stream().map(ReportJson::device).toList()))
                .put("latency", latency(require(r.latency(), "latency")))
                .put("staleWindow", staleWindow(require(r.staleWindow(), "staleWindow")))
                .put("commands", commands(require(r.commands(), "commands")))
                .put("hitRateOverTime", series(r.hitRate()))
                .put("queueOccupancy", series(r.queueOccupancy()))
                .put("deviceSeries", Json.array(r.deviceSeries().stream().map(d -> (Json) new Json.Obj()
                        .string("name", d.device())
                        .put("hitRateOverTime", series(d.hitRate()))
                        .put("exposureOverTime", series(d.exposure()))).toList()));
        if (scope == Scope.FULL) {
            o.string("journalDir", r.journalDir());
        }
        o.put("run", run(require(r.run(), "run"), scope));
        return r.timing() == null ? o : o.put("timing", TimingJson.of(r.timing()));
    }

    private static Json.Obj device(SimulationReport.Device d) {
        return new Json.Obj()
                .string("name", d.name())
                .number("sid", d.sid())
                .string("workload", d.workload())
                .number("hits", d.hits())
                .number("misses", d.misses())
                .number("hitRate", d.hitRate())
                .number("staleUses", d.staleUses())
                .number("faults", d.faults())
                .number("operations", d.operations())
                .put("untrusted", new Json.Scalar(Boolean.toString(d.untrusted())))
                .number("unmaps", d.unmaps())
                .number("tlbis", d.tlbis())
                .number("tlbisPerUnmap", d.tlbisPerUnmap())
                .number("syncs", d.syncs())
                .number("refills", d.refills())
                .number("strays", d.strays())
                .number("maxExposureNs", d.maxExposureNs())
                .number("maxUnmapsBehind", d.maxUnmapsBehind())
                .number("exposed", d.exposed())
                .number("maxStaleUseNs", d.maxStaleUseNs())
                .number("maxStaleUseUnmapsBehind", d.maxStaleUseUnmapsBehind())
                .number("violations", d.violations());
    }

    private static Json.Obj answer(SimulationReport.Answer a) {
        return new Json.Obj()
                .string("expected", a.expected())
                .put("borneOut", new Json.Scalar(Boolean.toString(a.borneOut())))
                .put("claims", Json.array(a.claims().stream().map(c -> (Json) new Json.Obj()
                        .string("claim", c.claim())
                        .string("observed", c.observed())
                        .put("holds", new Json.Scalar(Boolean.toString(c.holds())))).toList()));
    }

    private static Json.Obj checker(SimulationReport.Checker c) {
        return new Json.Obj()
                .number("translationsChecked", c.translationsChecked())
                .number("violationCount", c.violationCount())
                .put("violationsByRule", byRule(c))
                .number("examplesKept", c.examplesKept())
                .put("violations", Json.array(orEmpty(c.violations()).stream().map(ReportJson::violation).toList()))
                .number("staleUses", c.staleUses())
                .number("staleUsesAfterSync", c.staleUsesAfterSync())
                .number("cacheReadings", c.cacheReadings())
                .put("faults", Json.array(c.faults().stream().map(ReportJson::fault).toList()))
                .put("warnings", Json.array(c.warnings().stream().map(Json::string).toList()))
                .put("groups", Json.array(c.groups().stream().map(ReportJson::group).toList()));
    }

    private static Json fault(SimulationReport.InjectedFault f) {
        return new Json.Obj()
                .string("kind", f.kind())
                .number("nth", f.nth())
                .put("fired", new Json.Scalar(Boolean.toString(f.fired())))
                .number("occasions", f.occasions())
                .string("hit", f.hit());
    }

    private static Json.Obj group(SimulationReport.ViolationGroup g) {
        return new Json.Obj()
                .string("rule", g.rule())
                .string("mapping", g.mapping())
                .string("unmap", g.unmap())
                .number("count", g.count())
                .string("explanation", g.explanation())
                .string("traceCommand", g.traceCommand());
    }

    private static Json.Obj byRule(SimulationReport.Checker c) {
        Json.Obj o = new Json.Obj();
        c.violationsByRule().forEach(o::number);
        return o;
    }

    private static Json.Obj violation(Violation v) {
        return new Json.Obj()
                .string("rule", v.rule())
                .string("explanation", v.explanation())
                .number("sid", v.sid())
                .put("iova", Json.hex(v.iova()))
                .put("events", Json.array(orEmpty(v.events()).stream().map(Json::string).toList()))
                .string("traceCommand", v.traceCommand());
    }

    private static Json.Obj iotlb(SimulationReport.Iotlb i) {
        return new Json.Obj().number("hits", i.hits()).number("misses", i.misses()).number("hitRate", i.hitRate())
                .put("tbus", Json.array(orEmpty(i.tbus()).stream().map(ReportJson::tbu).toList()));
    }

    private static Json.Obj tcuCache(SimulationReport.TcuCache c) {
        return new Json.Obj().string("smmu", c.smmu()).string("cache", c.cache()).number("entries", c.capacity())
                .number("held", c.size()).number("lookups", c.lookups()).number("hits", c.hits())
                .number("misses", c.misses()).number("fills", c.fills()).number("evictions", c.evictions())
                .number("invalidations", c.invalidations()).number("freedTableReads", c.freedTableReads());
    }

    private static Json.Obj tbu(SimulationReport.Tbu t) {
        Json.Obj o = new Json.Obj().string("smmu", t.smmu()).number("tbu", t.tbu()).put("tlb", tlb(t.tlb()));
        if (t.micro() != null) {
            o.put("microTlb", tlb(t.micro()));
        }
        return o;
    }

    private static Json.Obj tlb(SimulationReport.Tlb t) {
        return new Json.Obj().number("entries", t.capacity()).number("ways", t.ways()).string("policy", t.policy())
                .number("lookups", t.lookups()).number("hits", t.hits()).number("misses", t.misses())
                .number("fills", t.fills()).number("evictions", t.evictions()).number("flushes", t.flushes())
                .number("invalidations", t.invalidations()).number("entriesRemoved", t.entriesRemoved());
    }

    private static Json.Obj latency(SimulationReport.Latency l) {
        return new Json.Obj()
                .number("count", l.count())
                .number("meanNs", l.meanNs())
                .number("p50Ns", l.p50Ns())
                .number("p99Ns", l.p99Ns())
                .number("maxNs", l.maxNs())
                .put("histogram", buckets(l.histogram()));
    }

    private static Json.Obj staleWindow(SimulationReport.StaleWindow s) {
        return new Json.Obj()
                .number("count", s.count())
                .number("maxNs", s.maxNs())
                .number("meanNs", s.meanNs())
                .put("distribution", buckets(s.distribution()))
                .number("maxUnmapsBehind", s.maxUnmapsBehind())
                .number("staleUses", s.staleUses());
    }

    private static Json.Obj commands(SimulationReport.Commands c) {
        return new Json.Obj()
                .number("submitted", c.submitted())
                .number("perSecond", c.perSecond())
                .number("syncs", c.syncs())
                .number("meanSyncLatencyNs", c.meanSyncLatencyNs())
                .number("maxQueueOccupancy", c.maxQueueOccupancy());
    }

    private static Json.Obj run(SimulationReport.Run r, Scope scope) {
        Json.Obj o = new Json.Obj().number("operations", r.operations()).number("virtualNanos", r.virtualNanos());
        return scope == Scope.FULL ? o.number("wallSeconds", r.wallSeconds()) : o;
    }

    private static Json.Arr buckets(List<Bucket> buckets) {
        return Json.array(orEmpty(buckets).stream()
                .map(b -> new Json.Obj().number("upToNs", b.upToNs()).number("count", b.count()))
                .toList());
    }

    private static Json.Arr series(List<Point> points) {
        return Json.array(orEmpty(points).stream()
                .map(p -> new Json.Obj().number("timeNs", p.timeNs()).number("value", p.value()))
                .toList());
    }

    /** A run that observed nothing may hand over no list at all; that prints as []. */
    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <T> T require(T part, String name) {
        return Objects.requireNonNull(part, () -> "SimulationReport." + name + " is null: every report has one");
    }
}
