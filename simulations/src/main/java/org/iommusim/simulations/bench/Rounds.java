package org.iommusim.simulations.bench;

import java.util.Arrays;

/**
 * Repeated timed rounds of one figure: mean and spread (min..max, relative
 * standard deviation), so a reader sees how much a number can be trusted.
 */
public record Rounds(double[] perSecond) {

    public interface Round {
        /** Runs one round and returns how many operations it did. */
        long run() throws Exception;
    }

    /** Runs {@code warmups} untimed rounds, then {@code rounds} timed ones. */
    public static Rounds measure(int warmups, int rounds, Round round) throws Exception {
        for (int i = 0; i < warmups; i++) {
            round.run();
        }
        double[] rates = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            rates[i] = timed(round);
        }
        return new Rounds(rates);
    }

    /**
     * Two figures measured in alternating rounds (a, b, a, b, ...) after
     * {@code warmups} untimed rounds of each, so that a slow spell of the
     * machine falls on both alike: for a ratio of one to the other.
     */
    public static Rounds[] interleaved(int warmups, int rounds, Round a, Round b) throws Exception {
        for (int i = 0; i < warmups; i++) {
            a.run();
            b.run();
        }
        double[] ra = new double[rounds];
        double[] rb = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ra[i] = timed(a);
            rb[i] = timed(b);
        }
        return new Rounds[] {new Rounds(ra), new Rounds(rb)};
    }

    private static double timed(Round r) throws Exception {
        long t0 = System.nanoTime();
        long ops = r.run();
        return ops * 1e9 / (System.nanoTime() - t0);
    }

    public double mean() {
        return Arrays.stream(perSecond).average().orElse(0);
    }

    public double min() {
        return Arrays.stream(perSecond).min().orElse(0);
    }

    public double max() {
        return Arrays.stream(perSecond).max().orElse(0);
    }

    /** Relative standard deviation in percent. */
    public double rsdPercent() {
        double m = mean();
        double var = Arrays.stream(perSecond).map(x -> (x - m) * (x - m)).sum() / Math.max(1, perSecond.length - 1);
        return m == 0 ? 0 : 100 * Math.sqrt(var) / m;
    }

    public String summary() {
        return String.format("%,.0f/s (min %,.0f, max %,.0f, rsd %.1f%%, %d rounds)", mean(), min(), max(),
                rsdPercent(), perSecond.length);
    }
}
