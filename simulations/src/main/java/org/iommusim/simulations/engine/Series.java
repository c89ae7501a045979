package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.iommusim.simulations.report.SimulationReport;

/**
 * A time series of bounded length for the report. Samples are kept as they
 * come until there are {@link #MAX_POINTS}; then adjacent points are merged
 * pairwise and each point from then on stands for twice as many samples, and
 * so on: a run of any length reports between half and all of
 * {@code MAX_POINTS}, each point covering the same number of samples. A
 * merged point has the time of its first sample and, by kind, the ratio of
 * the summed numerators and denominators (a hit rate over all its lookups)
 * or the largest value (a queue's peak occupancy).
 */
final class Series {
    /** Points a series holds at most (even). */
    static final int MAX_POINTS = 1000;

    /** How samples merge into one point. */
    enum Kind {
        /** The value is sum(numerator) / sum(denominator). */
        RATIO,
        /** The value is the largest sample. */
        MAX
    }

    private final Kind kind;
    private final int maxPoints;
    private long[] time = new long[16];
    private double[] num = new double[16];
    private double[] den = new double[16];
    private int size;
    /** Samples per point. */
    private long group = 1;
    /** Samples in the last point. */
    private long inLast;

    Series(Kind kind) {
        this(kind, MAX_POINTS);
    }

    Series(Kind kind, int maxPoints) {
        if (maxPoints < 2 || maxPoints % 2 != 0) {
            throw new IllegalArgumentException("a series holds an even number of points, at least 2: " + maxPoints);
        }
        this.kind = kind;
        this.maxPoints = maxPoints;
    }

    /** A sample of a RATIO series: {@code numerator / denominator} at {@code t}. */
    void add(long t, double numerator, double denominator) {
        if (size > 0 && inLast < group) {
            num[size - 1] += numerator;
            den[size - 1] += denominator;
            inLast++;
            return;
        }
        if (size == maxPoints) {
            halve();
        }
        if (size == time.length) {
            int n = Math.min(maxPoints, size * 2);
            time = Arrays.copyOf(time, n);
            num = Arrays.copyOf(num, n);
            den = Arrays.copyOf(den, n);
        }
        time[size] = t;
        num[size] = numerator;
        den[size] = denominator;
        size++;
        inLast = 1;
    }

    /** A sample of a MAX series. */
    void add(long t, double value) {
        if (size > 0 && inLast < group) {
            num[size - 1] = Math.max(num[size - 1], value);
            inLast++;
            return;
        }
        add(t, value, 1);
    }

    private void halve() {
        for (int i = 0; i < size / 2; i++) {
            int a = 2 * i;
            time[i] = time[a];
            num[i] = kind == Kind.MAX ? Math.max(num[a], num[a + 1]) : num[a] + num[a + 1];
            den[i] = den[a] + den[a + 1];
        }
        size /= 2;
        group *= 2;
    }

    int size() {
        return size;
    }

    List<SimulationReport.Point> points() {
        List<SimulationReport.Point> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new SimulationReport.Point(time[i], kind == Kind.MAX ? num[i] : num[i] / den[i]));
        }
        return out;
    }
}
