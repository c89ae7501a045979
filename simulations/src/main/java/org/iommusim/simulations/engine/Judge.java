package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Expectation;

/** Judges a scenario's expected answer on a run's report: each claim against the figures the report gives. */
final class Judge {
    private Judge() {}

    static SimulationReport.Answer judge(Expectation e, SimulationReport r) {
        List<SimulationReport.ClaimResult> out = new ArrayList<>();
        boolean all = true;
        for (Expectation.Claim c : e.claims()) {
            double v = value(c.what(), c.device(), r);
            boolean holds;
            String observed = shown(c.what(), v);
            switch (c.test()) {
                case NONE -> holds = v == 0;
                case SOME -> holds = v > 0;
                case RANGE -> holds = (Double.isNaN(c.atLeast()) || v >= c.atLeast())
                        && (Double.isNaN(c.atMost()) || v <= c.atMost());
                default -> {
                    double w = value(c.what(), c.other(), r);
                    holds = c.test() == Expectation.Test.ABOVE ? v > w : v < w;
                    observed += " against " + shown(c.what(), w);
                }
            }
            all &= holds;
            out.add(new SimulationReport.ClaimResult(c.text(), observed, holds));
        }
        return new SimulationReport.Answer(e.answer(), all, out);
    }

    private static double value(Expectation.Metric m, String device, SimulationReport r) {
        if (device == null) {
            return switch (m) {
                case VIOLATIONS -> r.checker().violationCount();
                case STALE_USES -> sum(r, SimulationReport.Device::staleUses);
                case EXPOSURE -> r.staleWindow().maxNs();
                case UNMAPS_BEHIND -> r.devices().stream().mapToLong(SimulationReport.Device::maxUnmapsBehind).max()
                        .orElse(0);
                case TLBIS_PER_UNMAP -> ratio(sum(r, SimulationReport.Device::tlbis),
                        sum(r, SimulationReport.Device::unmaps));
                case SYNCS_PER_UNMAP -> ratio(sum(r, SimulationReport.Device::syncs),
                        sum(r, SimulationReport.Device::unmaps));
                case REFILLS -> sum(r, SimulationReport.Device::refills);
                case HIT_RATE -> r.iotlb().hitRate();
                case FAULTS -> sum(r, SimulationReport.Device::faults);
            };
        }
        SimulationReport.Device d = r.devices().stream().filter(x -> x.name().equals(device)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device " + device + " in the report"));
        return switch (m) {
            case VIOLATIONS -> r.checker().violationCount();
            case STALE_USES -> d.staleUses();
            case EXPOSURE -> d.maxExposureNs();
            case UNMAPS_BEHIND -> d.maxUnmapsBehind();
            case TLBIS_PER_UNMAP -> d.tlbisPerUnmap();
            case SYNCS_PER_UNMAP -> ratio(d.syncs(), d.unmaps());
            case REFILLS -> d.refills();
            case HIT_RATE -> d.hitRate();
            case FAULTS -> d.faults();
        };
    }

    private static double sum(SimulationReport r, ToDoubleFunction<SimulationReport.Device> f) {
        return r.devices().stream().mapToDouble(f).sum();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    private static String shown(Expectation.Metric m, double v) {
        if (m == Expectation.Metric.EXPOSURE) {
            return String.format(Locale.ROOT, "%.3f ms", v / 1e6);
        }
        if (m == Expectation.Metric.HIT_RATE) {
            return String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
