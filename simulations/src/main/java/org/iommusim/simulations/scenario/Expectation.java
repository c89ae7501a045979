package org.iommusim.simulations.scenario;

import java.util.List;

/**
 * A scenario's expected answer: in words ({@code answer}), and as claims a
 * run either bears out or not, judged on the run's report.
 */
public record Expectation(String answer, List<Claim> claims) {
    public Expectation {
        claims = List.copyOf(claims);
    }

    /** What a claim measures: of one device, or of the whole run when it names none. */
    public enum Metric {
        /** checker violations (whole run only) */
        VIOLATIONS,
        /** translations that reached an unmapped buffer before its flush */
        STALE_USES,
        /** longest time from an unmap to a late DMA still reaching it (ns; the run: the longest stale window) */
        EXPOSURE,
        /** most unmap calls of its CPU between a buffer's unmap and a late DMA still reaching it */
        UNMAPS_BEHIND,
        /** TLBI commands per unmap call */
        TLBIS_PER_UNMAP,
        /** CMD_SYNCs per unmap call */
        SYNCS_PER_UNMAP,
        /** misses on pages already translated under the same mapping */
        REFILLS,
        /** IOTLB hit rate, 0..1 */
        HIT_RATE,
        /** translation faults */
        FAULTS
    }

    /** How the measured value is judged. */
    public enum Test { NONE, SOME, RANGE, ABOVE, BELOW }

    /**
     * One claim: {@code what} of {@code device} (null: the whole run) is none, some, within
     * [{@code atLeast}, {@code atMost}] (either may be absent: NaN), or above / below the same figure of
     * device {@code other}.
     */
    public record Claim(Metric what, String device, Test test, double atLeast, double atMost, String other) {
        /** The claim as written, e.g. {@code stale-uses of nic0 is some}. */
        public String text() {
            String subject = wordOf(what) + (device == null ? "" : " of " + device);
            return subject + " " + switch (test) {
                case NONE -> "is none";
                case SOME -> "is some";
                case ABOVE -> "is above " + other + "'s";
                case BELOW -> "is below " + other + "'s";
                case RANGE -> (Double.isNaN(atLeast) ? "" : "at least " + shown(atLeast))
                        + (!Double.isNaN(atLeast) && !Double.isNaN(atMost) ? " and " : "")
                        + (Double.isNaN(atMost) ? "" : "at most " + shown(atMost));
            };
        }

        private String shown(double v) {
            if (what == Metric.EXPOSURE) {
                return v >= 1e6 ? trim(v / 1e6) + " ms" : v >= 1e3 ? trim(v / 1e3) + " us" : trim(v) + " ns";
            }
            return trim(v);
        }

        private static String trim(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }
    }

    static String wordOf(Metric m) {
        return m.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
