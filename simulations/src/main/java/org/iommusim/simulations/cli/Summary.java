package org.iommusim.simulations.cli;

import java.io.PrintWriter;
import org.iommusim.simulations.engine.RunMode;
import org.iommusim.simulations.report.ReportFiles;
import org.iommusim.simulations.report.SimulationReport;

/** The end-of-run summary: what happened, the checker's verdict, where to look next. */
final class Summary {
    private Summary() {}

    static void print(PrintWriter o, SimulationReport r, ReportFiles files) {
        o.printf("%nscenario    %s (seed %d, %s)%n", r.scenario(), r.seed(), r.mode());
        o.printf("question    %s%n", r.question().strip().replaceAll("\\s+", " "));
        if (r.answer() != null) {
            o.printf("expected    %s%n", r.answer().expected().strip().replaceAll("\\s+", " "));
            long held = r.answer().claims().stream().filter(SimulationReport.ClaimResult::holds).count();
            o.printf("answer      %s (%d of %d claims hold)%n", r.answer().borneOut() ? "borne out by this run"
                    : "NOT borne out by this run", held, r.answer().claims().size());
            for (SimulationReport.ClaimResult c : r.answer().claims()) {
                o.printf("  %-5s %s: %s%n", c.holds() ? "ok" : "NO", c.claim(), c.observed());
            }
        }
        // a threaded run has no virtual time: its clock is real nanoseconds since the run began (docs/REPORTS.md)
        boolean threaded = r.mode().startsWith(RunMode.CONCURRENT.label());
        o.printf("ran         %,d operations, %.3f ms of %s time, %.1f s wall%n", r.run().operations(),
                r.run().virtualNanos() / 1e6, threaded ? "real" : "virtual", r.run().wallSeconds());
        o.printf("IOTLB       %,d hits, %,d misses, hit rate %.1f%%%n", r.iotlb().hits(), r.iotlb().misses(),
                100 * r.iotlb().hitRate());
        for (SimulationReport.Device d : r.devices()) {
            o.printf("  %-9s %-12s sid 0x%x: hit rate %5.1f%% (%,d / %,d), %,d stale uses, %,d faults, %,d violations%n",
                    d.name(), d.workload(), d.sid(), 100 * d.hitRate(), d.hits(), d.hits() + d.misses(), d.staleUses(),
                    d.faults(), d.violations());
            if (d.unmaps() > 0 || d.strays() > 0) {
                o.printf("  %-9s %,d unmaps: %.2f TLBIs and %.2f CMD_SYNCs each; %,d refills; %,d late DMAs; longest"
                        + " exposure %,d ns, %,d unmaps behind%s%n", "", d.unmaps(), d.tlbisPerUnmap(),
                        d.unmaps() == 0 ? 0.0 : (double) d.syncs() / d.unmaps(), d.refills(), d.strays(),
                        d.maxExposureNs(), d.maxUnmapsBehind(), d.untrusted() ? " (untrusted: strict)" : "");
            }
        }
        if (threaded) {
            o.printf("latency     not modelled in a threaded run (a modelled cost of deterministic runs)%n");
        } else {
            o.printf("latency     mean %.0f ns, p99 %d ns (virtual)%n", r.latency().meanNs(), r.latency().p99Ns());
        }
        o.printf("commands    %,d (%,d CMD_SYNC), max queue occupancy %d%n", r.commands().submitted(),
                r.commands().syncs(), r.commands().maxQueueOccupancy());
        if (r.timing() != null) {
            TimingSummary.print(o, r.timing());
        }
        o.printf("exposure    %,d unmapped mappings still cached at their unmap, longest %,d ns, %,d unmaps behind%n",
                r.staleWindow().count(), r.staleWindow().maxNs(), r.staleWindow().maxUnmapsBehind());
        o.printf("stale       %,d stale uses (%,d after their sync)%n", r.checker().staleUses(),
                r.checker().staleUsesAfterSync());
        for (SimulationReport.InjectedFault f : r.checker().faults()) {
            if (f.fired()) {
                o.printf("fault       %s nth=%d hit %s%n", f.kind(), f.nth(), f.hit());
            }
        }
        for (String w : r.checker().warnings()) {
            o.printf("WARNING     %s%n", w);
        }
        int n = r.checker().violationCount();
        o.printf("checker     %,d translations checked: %s%n", r.checker().translationsChecked(),
                n == 0 ? "no violations" : n + " VIOLATION" + (n == 1 ? "" : "S"));
        int listed = Math.min(5, r.checker().violations().size());
        for (int i = 0; i < listed; i++) {
            SimulationReport.Violation v = r.checker().violations().get(i);
            o.printf("  %s: %s%n    events: %s%n    replay: %s%n", v.rule(), v.explanation(), String.join(", ", v.events()),
                    v.traceCommand());
        }
        if (n > listed) {
            o.printf("  ... %d more (%d listed in the report; by rule: %s)%n", n - listed, r.checker().examplesKept(),
                    r.checker().violationsByRule());
        }
        o.printf("digest      %s%n", r.eventDigest());
        o.printf("report      %s%n            %s%n", files.html(), files.json());
        o.printf("journal     %s%n", r.journalDir());
        o.flush();
    }
}
