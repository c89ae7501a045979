package org.iommusim.simulations.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An axis range widened to round numbers with a step of 1, 2 or 5 times a
 * power of ten, so tick labels are numbers a reader can add up.
 *
 * @param lo   the axis start, a multiple of step
 * @param hi   the axis end, a multiple of step, greater than lo
 * @param step the distance between ticks
 */
record NiceScale(double lo, double hi, double step) {
    private static final int TARGET_TICKS = 5;

    /** A scale covering [min, max]; minStep keeps integer data (counts) off fractional ticks. */
    static NiceScale covering(double min, double max, double minStep) {
        if (!(max > min)) {
            max = min + Math.max(1, minStep);
        }
        double step = Math.max(niceStep((max - min) / TARGET_TICKS), minStep);
        double lo = Math.floor(min / step) * step;
        double hi = Math.ceil(max / step) * step;
        return new NiceScale(lo, hi > lo ? hi : lo + step, step);
    }

    private static double niceStep(double rough) {
        double pow = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / pow;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * pow;
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        long n = Math.round((hi - lo) / step);
        for (long i = 0; i <= n; i++) {
            // computed from the index, not by accumulation, so 0.1 steps don't drift to 0.30000000000000004
            ticks.add(lo + i * step);
        }
        return ticks;
    }

    /** Where value falls on this axis, 0 at lo and 1 at hi. */
    double fraction(double value) {
        return (value - lo) / (hi - lo);
    }
}
