package org.iommusim.simulations.scenario;

import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;

/**
 * Reads one {@code streams[i]} entry as written; {@link References} later resolves its domain into the
 * stage-1/stage-2 domains and VMID of a {@link StreamDef}.
 */
final class StreamReader {
    /** A stream before its domain is resolved; {@code domain} is null for abort and bypass. */
    record Entry(int smmu, int sid, SteConfig config, DomainId domain) {}

    private StreamReader() {}

    static Entry read(ConfNode n) {
        int before = n.problems().count();
        Integer smmu = n.int32("smmu", null, 0, Integer.MAX_VALUE);
        // StreamDef holds an int: SIDs of 2^31 and above (only with 32-bit SIDSIZE) are not expressible.
        Long sid = n.integer("sid", null, 0, Integer.MAX_VALUE);
        SteConfig config = n.word("config", SteConfig.class, null);
        Long domain = null;
        if (config == null) {
            n.has("domain");
        } else if (config == SteConfig.ABORT || config == SteConfig.BYPASS) {
            if (n.has("domain")) {
                n.problem("domain", (config == SteConfig.ABORT ? "an abort" : "a bypass")
                        + " stream translates nothing and takes no domain");
            }
        } else {
            domain = n.integer("domain", null, 0, Long.MAX_VALUE);
        }
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        return new Entry(smmu, sid.intValue(), config, domain == null ? null : DomainId.of(domain));
    }
}
