package org.iommusim.simulations.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Human-readable numbers for the page; never locale-dependent, so the page is the same everywhere. */
final class Units {
    private static final long[] SCALE = {1_000_000_000L, 1_000_000L, 1_000L, 1L};
    private static final String[] UNIT = {"s", "ms", "µs", "ns"};

    private Units() {}

    /** A duration in the largest unit it reaches, three significant digits: 1.25µs, 40ms. */
    static String duration(double ns) {
        int u = unitFor(Math.abs(ns));
        return significant(ns / SCALE[u], 3) + UNIT[u];
    }

    /**
     * A tick on a time axis: every tick of one axis shares the unit of the
     * axis' largest value and as many decimals as its step needs, so labels
     * line up (0, 0.5, 1.0 ms) instead of jumping units.
     */
    static String durationTick(double ns, double stepNs, double maxNs) {
        int u = unitFor(Math.abs(maxNs));
        return fixed(ns / SCALE[u], decimalsFor(stepNs / SCALE[u])) + UNIT[u];
    }

    /** A fraction as a percentage, with the decimals the step needs. */
    static String percentTick(double fraction, double stepFraction) {
        return fixed(fraction * 100, decimalsFor(stepFraction * 100)) + "%";
    }

    static String percent(double fraction) {
        return Double.isFinite(fraction) ? fixed(fraction * 100, 2) + "%" : "n/a";
    }

    static String tick(double value, double step) {
        return fixed(value, decimalsFor(step));
    }

    /** A rate with thousands separators and no fraction: rates here are large and only their size matters. */
    static String rate(double perSecond) {
        return Double.isFinite(perSecond) ? String.format(Locale.ROOT, "%,.0f", perSecond) : "n/a";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String fixed(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
        // -0 reads as a sign error on an axis
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    private static String significant(double value, int digits) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return new BigDecimal(value).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }

    private static int unitFor(double ns) {
        for (int u = 0; u < SCALE.length - 1; u++) {
            if (ns >= SCALE[u]) {
                return u;
            }
        }
        return SCALE.length - 1;
    }

    private static int decimalsFor(double step) {
        if (!(step > 0) || step >= 1) {
            return 0;
        }
        return (int) Math.min(9, Math.ceil(-Math.log10(step) - 1e-9));
    }
}
