package org.iommusim.simulations.report;

import java.util.List;

/** The {@code timing} object of report.json (docs/REPORTS.md, docs/TIMING.md). */
final class TimingJson {
    private TimingJson() {}

    static Json.Obj of(TimingReport t) {
        return new Json.Obj()
                .put("translation", Json.array(t.translation().stream().map(l -> (Json) new Json.Obj()
                        .string("device", l.device())
                        .string("level", l.level())
                        .number("count", l.count())
                        .number("meanNs", l.meanNs())
                        .number("p50Ns", l.p50Ns())
                        .number("p99Ns", l.p99Ns())
                        .number("maxNs", l.maxNs())).toList()))
                .put("cmdSync", distribution(t.cmdSync()))
                .put("unmapCost", Json.array(t.unmapCost().stream().map(u -> (Json) new Json.Obj()
                        .number("upToPages", u.upToPages())
                        .number("count", u.count())
                        .number("meanNs", u.meanNs())
                        .number("maxNs", u.maxNs())).toList()))
                .put("dma", Json.array(t.dma().stream().map(d -> (Json) new Json.Obj()
                        .string("device", d.device())
                        .number("translations", d.translations())
                        .number("perSecond", d.perSecond())
                        .number("operationsPerSecond", d.operationsPerSecond())
                        .number("offeredOperationsPerSecond", d.offeredOperationsPerSecond())).toList()))
                .put("resources", new Json.Obj()
                        .number("translationSlotWaits", t.resources().translationSlotWaits())
                        .number("translationSlotWaitNs", t.resources().translationSlotWaitNs())
                        .number("walkSlotWaits", t.resources().walkSlotWaits())
                        .number("walkSlotWaitNs", t.resources().walkSlotWaitNs())
                        .number("submissions", t.resources().submissions())
                        .number("gathered", t.resources().gathered()));
    }

    private static Json.Obj distribution(TimingReport.Distribution d) {
        return new Json.Obj()
                .number("count", d.count())
                .number("meanNs", d.meanNs())
                .number("p50Ns", d.p50Ns())
                .number("p99Ns", d.p99Ns())
                .number("maxNs", d.maxNs())
                .put("histogram", buckets(d.histogram()));
    }

    private static Json.Arr buckets(List<SimulationReport.Bucket> buckets) {
        return Json.array(buckets.stream()
                .map(b -> (Json) new Json.Obj().number("upToNs", b.upToNs()).number("count", b.count()))
                .toList());
    }
}
