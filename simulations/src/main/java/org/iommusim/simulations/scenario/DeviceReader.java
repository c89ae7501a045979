package org.iommusim.simulations.scenario;

/**
 * Reads one {@code devices[i]} entry as written; {@link References} later finds its stream and, when
 * {@code smmu} is left out, the SMMU that stream is on.
 */
final class DeviceReader {
    /** A device before its stream is resolved; {@code smmu} is null when the file leaves it out. */
    record Entry(String name, Integer smmu, int sid, int weight, Workload workload, long intervalNs,
            boolean untrusted, DeviceDef.Stray stray) {}

    private DeviceReader() {}

    static Entry read(ConfNode n) {
        int before = n.problems().count();
        String name = n.string("name");
        Integer sid = n.int32("stream", null, 0, Integer.MAX_VALUE);
        Integer smmu = n.has("smmu") ? n.int32("smmu", null, 0, Integer.MAX_VALUE) : null;
        Integer weight = n.int32("weight", 1, 1, Integer.MAX_VALUE);
        Long interval = n.nanos("interval", 0L, 1);
        Boolean untrusted = n.bool("untrusted", false);
        ConfNode st = n.object("stray", false);
        DeviceDef.Stray stray = st == null ? DeviceDef.Stray.defaults() : stray(st);
        ConfNode w = n.object("workload", true);
        Workload workload = w == null ? null : WorkloadReader.read(w);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        return new Entry(name, smmu, sid, weight, workload, interval, untrusted, stray);
    }

    private static DeviceDef.Stray stray(ConfNode n) {
        int before = n.problems().count();
        Double probability = n.fraction("probability", DeviceDef.Stray.DEFAULT_PROBABILITY);
        Integer reach = n.int32("reach", 0, 1, Integer.MAX_VALUE);
        Long reachTime = n.nanos("reach-time", 0L, 1);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        return new DeviceDef.Stray(probability, reach, reachTime);
    }
}
