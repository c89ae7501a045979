package org.iommusim.simulations.scenario;

/** Reads how long a run lasts ({@code length}) and what its steps cost in virtual time ({@code costs}). */
final class RunReader {
    private RunReader() {}

    static RunLength length(ConfNode n) {
        if (n == null) {
            return null;
        }
        int before = n.problems().count();
        Long operations = n.integer("operations", 0L, 1, Long.MAX_VALUE);
        Long virtualNanos = n.nanos("virtual-time", 0L, 1);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        if (operations == 0 && virtualNanos == 0) {
            n.problems().add(n.where(), "needs operations, virtual-time or both");
            return null;
        }
        return new RunLength(operations, virtualNanos);
    }

    static Costs costs(ConfNode n) {
        Costs d = Costs.defaults();
        if (n == null) {
            return d;
        }
        int before = n.problems().count();
        Long hit = n.nanos("iotlb-hit", d.hitNs(), 0);
        Long miss = n.nanos("iotlb-miss", d.missNs(), 0);
        Long walkStep = n.nanos("walk-step", d.walkStepNs(), 0);
        Long command = n.nanos("command", d.commandNs(), 0);
        Long sync = n.nanos("cmd-sync", d.syncNs(), 0);
        Long map = n.nanos("map", d.mapNs(), 0);
        Long link = n.nanos("tbu-tcu-link", d.linkNs(), 0);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        return new Costs(hit, miss, walkStep, command, sync, map, link);
    }
}
