package org.iommusim.simulations.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads the optional {@code expect { answer, claims }} object. */
final class ExpectReader {
    /** {@code is = none} or {@code is = some}. */
    enum Presence { NONE, SOME }

    /** A claim as read, with the node it came from (its device names are checked once devices are known). */
    record Read(Expectation.Claim claim, ConfNode node) {}

    private ExpectReader() {}

    static Expectation read(ConfNode n, List<Read> out) {
        if (n == null) {
            return null;
        }
        int before = n.problems().count();
        String answer = n.string("answer");
        List<Expectation.Claim> claims = new ArrayList<>();
        for (ConfNode c : n.objects("claims", false)) {
            Expectation.Claim claim = claim(c);
            if (claim != null) {
                claims.add(claim);
                out.add(new Read(claim, c));
            }
        }
        n.finish();
        return n.problems().count() > before ? null : new Expectation(answer, claims);
    }

    private static Expectation.Claim claim(ConfNode n) {
        int before = n.problems().count();
        Expectation.Metric what = n.word("what", Expectation.Metric.class, null);
        String device = n.has("device") ? n.string("device") : null;
        Presence is = n.word("is", Presence.class, Presence.NONE);
        boolean hasIs = n.has("is");
        String above = n.has("above") ? n.string("above") : null;
        String below = n.has("below") ? n.string("below") : null;
        Double atLeast = bound(n, "at-least", what);
        Double atMost = bound(n, "at-most", what);
        int tests = (hasIs ? 1 : 0) + (above != null ? 1 : 0) + (below != null ? 1 : 0)
                + (n.has("at-least") || n.has("at-most") ? 1 : 0);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        if (tests != 1) {
            n.problem("what", "a claim needs exactly one of: is, above, below, at-least/at-most");
            return null;
        }
        if (what == Expectation.Metric.VIOLATIONS && (device != null || above != null || below != null)) {
            n.problem("what", "violations are counted for the whole run: no device");
            return null;
        }
        if ((above != null || below != null) && device == null) {
            n.problem(above != null ? "above" : "below", "compares two devices: name the claim's device too");
            return null;
        }
        Expectation.Test test = hasIs ? (is == Presence.NONE ? Expectation.Test.NONE : Expectation.Test.SOME)
                : above != null ? Expectation.Test.ABOVE : below != null ? Expectation.Test.BELOW
                : Expectation.Test.RANGE;
        return new Expectation.Claim(what, device, test, atLeast == null ? Double.NaN : atLeast,
                atMost == null ? Double.NaN : atMost, above != null ? above : below);
    }

    /** A bound: a duration for exposure, else a number ≥ 0. */
    private static Double bound(ConfNode n, String key, Expectation.Metric what) {
        if (!n.has(key)) {
            return null;
        }
        if (what == Expectation.Metric.EXPOSURE) {
            Long ns = n.nanos(key, null, 0);
            return ns == null ? null : ns.doubleValue();
        }
        return n.number(key);
    }

    /** Reports a claim that names a device the scenario does not have. */
    static void checkDevices(List<Read> claims, Set<String> devices) {
        for (Read r : claims) {
            Expectation.Claim c = r.claim();
            if (c.device() != null && !devices.contains(c.device())) {
                r.node().problem("device", "'" + c.device() + "' is not a device of this scenario");
            }
            if (c.other() != null && !devices.contains(c.other())) {
                r.node().problem(c.test() == Expectation.Test.ABOVE ? "above" : "below",
                        "'" + c.other() + "' is not a device of this scenario");
            }
        }
    }
}
