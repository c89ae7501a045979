package org.iommusim.simulations.scenario;

/**
 * Reads one {@code devices[i]} entry as written; {@link References} later finds its stream and, when
 * {@code smmu} is left out, the SMMU that stream is on.
 */
final class DeviceReader {
    /** A device before its stream is resolved; {@code smmu} is null when the file leaves it out. */
    record Entry(String name, Integer smmu, int sid, int weight, Workload workload, long intervalNs) {}

    private DeviceReader() {}

    static Entry read(ConfNode n) {
        int before = n.problems().count();
        String name = n.string("name");
        Integer sid = n.int32("stream", null, 0, Integer.MAX_VALUE);
        Integer smmu = n.has("smmu") ? n.int32("smmu", null, 0, Integer.MAX_VALUE) : null;
        Integer weight = n.int32("weight", 1, 1, Integer.MAX_VALUE);
        Long interval = n.nanos("interval", 0L, 1);
        ConfNode w = n.object("workload", true);
        Workload workload = w == null ? null : WorkloadReader.read(w);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        return new Entry(name, smmu, sid, weight, workload, interval);
    }
}
