package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.FaultInjection;

/**
 * Counts the occasions of each injectable fault, says when the scenario's
 * nth one has come, and remembers what each injection hit: a fault that
 * never fired (the run had fewer occasions) is reported as a warning, since
 * the run then tested nothing it meant to.
 */
final class Faults {
    private final List<FaultInjection> injections;
    private final Map<FaultInjection.Kind, Long> seen = new EnumMap<>(FaultInjection.Kind.class);
    /** Per injection (same order): what it hit, null until it fires. */
    private final String[] hits;
    /** Per kind: the injection that fired last, whose hit {@link #hit} describes. */
    private final Map<FaultInjection.Kind, Integer> lastFired = new EnumMap<>(FaultInjection.Kind.class);

    Faults(List<FaultInjection> injections) {
        this.injections = injections;
        this.hits = new String[injections.size()];
    }

    /** Counts one more occasion of {@code kind}; true when a fault is injected on it. */
    synchronized boolean next(FaultInjection.Kind kind) {
        long n = seen.merge(kind, 1L, Long::sum);
        for (int i = 0; i < injections.size(); i++) {
            FaultInjection f = injections.get(i);
            if (f.kind() == kind && f.nth() == n) {
                hits[i] = kind + " #" + n;
                lastFired.put(kind, i);
                return true;
            }
        }
        return false;
    }

    /** Names what the fault of {@code kind} that fired last hit (the event it changed). */
    synchronized void hit(FaultInjection.Kind kind, String event) {
        Integer i = lastFired.remove(kind);
        if (i != null) {
            hits[i] = event;
        }
    }

    /** Whether a crash is due after operation {@code op}. */
    synchronized boolean crashAfter(long op) {
        seen.put(FaultInjection.Kind.CRASH, op);
        for (int i = 0; i < injections.size(); i++) {
            FaultInjection f = injections.get(i);
            if (f.kind() == FaultInjection.Kind.CRASH && f.nth() == op) {
                hits[i] = "the model stopped and restarted from its journal after operation " + op;
                return true;
            }
        }
        return false;
    }

    /** Each injection: whether it fired, on how many occasions of its kind the run had, and what it hit. */
    synchronized List<SimulationReport.InjectedFault> report() {
        List<SimulationReport.InjectedFault> out = new ArrayList<>();
        for (int i = 0; i < injections.size(); i++) {
            FaultInjection f = injections.get(i);
            out.add(new SimulationReport.InjectedFault(f.kind().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-'), f.nth(), hits[i] != null, seen.getOrDefault(f.kind(), 0L), hits[i]));
        }
        return out;
    }
}
