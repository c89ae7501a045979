package org.iommusim.simulations.cli;

import java.io.PrintWriter;
import org.iommusim.simulations.report.TimingReport;

/** The timing model's lines of the end-of-run summary (docs/TIMING.md). */
final class TimingSummary {
    private TimingSummary() {}

    static void print(PrintWriter o, TimingReport t) {
        TimingReport.Distribution s = t.cmdSync();
        if (s.count() > 0) {
            o.printf("CMD_SYNC    %,d waited: mean %.0f ns, p50 %,d ns, p99 %,d ns, max %,d ns (virtual)%n", s.count(),
                    s.meanNs(), s.p50Ns(), s.p99Ns(), s.maxNs());
        }
        for (TimingReport.LevelLatency l : t.translation()) {
            if (l.level().equals(TimingReport.LINK_WAIT)) {
                o.printf("  %-9s        of which waiting for the TBU-TCU link: mean %.0f ns, p99 %,d ns, max %,d ns%n",
                        l.device(), l.meanNs(), l.p99Ns(), l.maxNs());
                continue;
            }
            o.printf("  %-9s %-6s %,d translations: mean %.0f ns, p99 %,d ns%n", l.device(), l.level(), l.count(),
                    l.meanNs(), l.p99Ns());
        }
        for (TimingReport.UnmapCost u : t.unmapCost()) {
            o.printf("  unmap <= %,d pages: %,d calls, mean %.0f ns, max %,d ns%n", u.upToPages(), u.count(),
                    u.meanNs(), u.maxNs());
        }
        for (TimingReport.DmaRate d : t.dma()) {
            o.printf("  %-9s DMA %,.0f translations/s; %,.0f operations/s done, offered: %s (virtual)%n", d.device(),
                    d.perSecond(), d.operationsPerSecond(), d.offeredOperationsPerSecond() > 0
                            ? String.format("%,.0f", d.offeredOperationsPerSecond()) : "unpaced");
        }
        TimingReport.Resources r = t.resources();
        o.printf("resources   %,d misses waited for the TBU-TCU link (%,d ns), %,d walks for a walk slot (%,d ns);"
                + " %,d of %,d submissions gathered by another CPU's doorbell%n", r.translationSlotWaits(),
                r.translationSlotWaitNs(), r.walkSlotWaits(), r.walkSlotWaitNs(), r.gathered(), r.submissions());
    }
}
