package org.iommusim.simulations.scenario;

import com.typesafe.config.ConfigValue;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.Granule;

/** Reads one {@code smmus[i]} entry; absent keys keep {@link SmmuCapabilities#defaults()}. */
final class SmmuReader {
    /** IDR1.CMDQS and EVTQS are at most 19 (log2 of the capacity). */
    private static final int MAX_QUEUE = 1 << 19;

    private SmmuReader() {}

    static SmmuDef read(ConfNode n) {
        int before = n.problems().count();
        SmmuCapabilities d = SmmuCapabilities.defaults();
        Integer id = n.int32("id", null, 0, Integer.MAX_VALUE);
        Boolean stage1 = n.bool("stage1", d.stage1());
        Boolean stage2 = n.bool("stage2", d.stage2());
        Boolean ril = n.bool("ril", d.ril());
        Boolean hyp = n.bool("hyp", d.hyp());
        Integer asidBits = n.int32("asid-bits", d.asidBits(), 0, Integer.MAX_VALUE);
        Integer vmidBits = n.int32("vmid-bits", d.vmidBits(), 0, Integer.MAX_VALUE);
        Integer sidBits = n.int32("sid-bits", d.sidBits(), 0, Integer.MAX_VALUE);
        Integer ssidBits = n.int32("ssid-bits", d.ssidBits(), 0, Integer.MAX_VALUE);
        Set<Granule> granules = n.has("granules") ? granules(n) : d.granules();
        Integer oas = n.int32("oas", d.oas(), 0, Integer.MAX_VALUE);
        Integer cmdqs = log2Capacity(n, "cmdq-entries", d.commandQueueCapacity());
        Integer eventqs = log2Capacity(n, "evtq-entries", d.eventQueueCapacity());
        Integer iotlbEntries = n.int32("iotlb-entries", d.iotlbEntries(), 1, Integer.MAX_VALUE);
        IotlbPolicy policy = n.word("iotlb-policy", IotlbPolicy.class, d.iotlbPolicy());
        Long iotlbSeed = n.integer("iotlb-seed", d.iotlbSeed(), Long.MIN_VALUE, Long.MAX_VALUE);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        SmmuCapabilities.Builder b = SmmuCapabilities.builder()
                .stage1(stage1).stage2(stage2).ril(ril).hyp(hyp)
                .asidBits(asidBits).vmidBits(vmidBits).sidBits(sidBits).ssidBits(ssidBits)
                .granules(granules).oas(oas).cmdqs(cmdqs).eventqs(eventqs)
                .iotlbEntries(iotlbEntries).iotlbPolicy(policy).iotlbSeed(iotlbSeed);
        try {
            return new SmmuDef(id, b.build());
        } catch (IllegalArgumentException e) {
            Refusals.report(n, e);
            return null;
        }
    }

    private static Set<Granule> granules(ConfNode n) {
        Set<Granule> granules = EnumSet.noneOf(Granule.class);
        var items = n.list("granules", true);
        for (int i = 0; i < items.size(); i++) {
            Optional<Granule> g = granule(n, n.keyPath("granules") + "[" + i + "]", items.get(i));
            g.ifPresent(granules::add);
        }
        return granules;
    }

    /** A granule written as its page size ({@code 4K}, {@code 16K}, {@code 64K}, or in bytes). */
    static Optional<Granule> granule(ConfNode n, String keyPath, ConfigValue v) {
        Long bytes = n.sizeOf(keyPath, v, 1, Long.MAX_VALUE);
        if (bytes == null) {
            return Optional.empty();
        }
        for (Granule g : Granule.values()) {
            if (g.pageSize() == bytes) {
                return Optional.of(g);
            }
        }
        n.problems().add(ConfNode.at(v, keyPath), ConfNode.render(v) + " is not a granule (4K, 16K, 64K)");
        return Optional.empty();
    }

    private static Integer log2Capacity(ConfNode n, String key, int dflt) {
        Integer entries = n.int32(key, dflt, 1, MAX_QUEUE);
        if (entries == null) {
            return null;
        }
        if (Integer.bitCount(entries) != 1) {
            n.problem(key, entries + " is not a power of two");
            return null;
        }
        return Integer.numberOfTrailingZeros(entries);
    }
}
