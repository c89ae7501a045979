package org.iommusim.simulations.engine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.iommusim.simulations.scenario.FaultInjection;

/** Counts the occasions of each injectable fault and says when the scenario's nth one has come. */
final class Faults {
    private final List<FaultInjection> injections;
    private final Map<FaultInjection.Kind, Long> seen = new EnumMap<>(FaultInjection.Kind.class);

    Faults(List<FaultInjection> injections) {
        this.injections = injections;
    }

    /** Counts one more occasion of {@code kind}; true when a fault is injected on it. */
    boolean next(FaultInjection.Kind kind) {
        long n = seen.merge(kind, 1L, Long::sum);
        for (FaultInjection f : injections) {
            if (f.kind() == kind && f.nth() == n) {
                return true;
            }
        }
        return false;
    }

    /** Whether a crash is due after operation {@code op}. */
    boolean crashAfter(long op) {
        for (FaultInjection f : injections) {
            if (f.kind() == FaultInjection.Kind.CRASH && f.nth() == op) {
                return true;
            }
        }
        return false;
    }
}
