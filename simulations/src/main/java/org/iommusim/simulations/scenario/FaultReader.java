package org.iommusim.simulations.scenario;

/** Reads one {@code faults[i]} entry. */
final class FaultReader {
    private FaultReader() {}

    static FaultInjection read(ConfNode n) {
        int before = n.problems().count();
        FaultInjection.Kind kind = n.word("kind", FaultInjection.Kind.class, null);
        // nth counts from 1, as FaultInjection documents.
        Long nth = n.integer("nth", null, 1, Long.MAX_VALUE);
        n.finish();
        return n.problems().count() > before ? null : new FaultInjection(kind, nth);
    }
}
