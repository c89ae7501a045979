package org.iommusim.simulations.scenario;

import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.TbuTlb;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.domain.Granule;

/** Reads one {@code smmus[i]} entry; absent keys keep {@link SmmuCapabilities#defaults()}. */
final class SmmuReader {
    /** IDR1.CMDQS and EVTQS are at most 19 (log2 of the capacity). */
    private static final int MAX_QUEUE = 1 << 19;

    /** A scenario SMMU's TCU without {@code tcu} keys: no walk caches, no IPA cache. */
    static final TcuCaches NO_WALK_CACHES = new TcuCaches(
            List.of(CacheShape.NONE, CacheShape.NONE, CacheShape.NONE, CacheShape.NONE),
            List.of(CacheShape.NONE, CacheShape.NONE, CacheShape.NONE, CacheShape.NONE), CacheShape.NONE, CacheShape.NONE);

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
        Boolean twoLevel = n.bool("two-level-stream-tables", d.twoLevelStreamTables());
        Set<Granule> granules = n.has("granules") ? granules(n) : d.granules();
        Integer oas = n.int32("oas", d.oas(), 0, Integer.MAX_VALUE);
        Integer cmdqs = log2Capacity(n, "cmdq-entries", d.commandQueueCapacity());
        Integer eventqs = log2Capacity(n, "evtq-entries", d.eventQueueCapacity());
        Integer iotlbEntries = n.int32("iotlb-entries", d.iotlbEntries(), 1, Integer.MAX_VALUE);
        IotlbPolicy policy = n.word("iotlb-policy", IotlbPolicy.class, d.iotlbPolicy());
        Long iotlbSeed = n.integer("iotlb-seed", d.iotlbSeed(), Long.MIN_VALUE, Long.MAX_VALUE);
        List<TbuTlb> tbus = new ArrayList<>();
        Map<Integer, Integer> streamTbus = new TreeMap<>();
        if (iotlbEntries != null && policy != null && iotlbSeed != null) {
            tbus(n, new Defaults(iotlbEntries, policy, iotlbSeed), tbus, streamTbus);
        }
        TcuCaches tcu = tcu(n);
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        SmmuCapabilities.Builder b = SmmuCapabilities.builder()
                .stage1(stage1).stage2(stage2).ril(ril).hyp(hyp)
                .asidBits(asidBits).vmidBits(vmidBits).sidBits(sidBits).ssidBits(ssidBits)
                .granules(granules).oas(oas).cmdqs(cmdqs).eventqs(eventqs)
                .iotlbEntries(iotlbEntries).iotlbPolicy(policy).iotlbSeed(iotlbSeed)
                .tbus(tbus).streamTbus(streamTbus).twoLevelStreamTables(twoLevel);
        if (tcu != null) {
            b.tcu(tcu);
        }
        try {
            return new SmmuDef(id, b.build());
        } catch (IllegalArgumentException e) {
            Refusals.report(n, e);
            return null;
        }
    }

    /**
     * The {@code tcu} object: the TCU's walk caches and IPA cache.
     * {@code walk-caches} picks a preset ({@code none}, {@code gem5}: stage 1
     * L0-L3 4/28/348/4, stage 2 4/28/92/4; {@code mmu600}: 256 per stage and
     * level), {@code stage1-walk} / {@code stage2-walk} (four entry counts,
     * levels 0 to 3) and {@code walk-ways} replace its shapes,
     * {@code ipa-cache} / {@code ipa-ways} add the IPA cache,
     * {@code config-cache} / {@code config-ways} bound the configuration cache
     * (absent or 0: unbounded, every stream's STE and CDs always cached). Absent, a
     * scenario's SMMU has no walk caches: every TLB miss reads every level
     * from memory, as before the TCU's caches were modelled, so a scenario
     * written then keeps its meaning (and its timing).
     */
    private static TcuCaches tcu(ConfNode smmu) {
        TcuCaches none = NO_WALK_CACHES;
        if (!smmu.has("tcu")) {
            return none;
        }
        ConfNode n = smmu.object("tcu", true);
        if (n == null) {
            return null;
        }
        int before = n.problems().count();
        String preset = n.has("walk-caches") ? n.string("walk-caches") : "gem5";
        TcuCaches base = switch (preset == null ? "gem5" : preset) {
            case "none" -> none;
            case "gem5" -> TcuCaches.defaults();
            case "mmu600" -> {
                List<CacheShape> l = List.of(new CacheShape(256, 4), new CacheShape(256, 4), new CacheShape(256, 4),
                        new CacheShape(256, 4));
                yield new TcuCaches(l, l, CacheShape.NONE, CacheShape.NONE);
            }
            default -> {
                n.problem("walk-caches", "\"" + preset + "\" is not none, gem5 or mmu600");
                yield none;
            }
        };
        Integer ways = n.int32("walk-ways", 4, 0, 64);
        List<CacheShape> s1 = walkLevels(n, "stage1-walk", ways, base, 1);
        List<CacheShape> s2 = walkLevels(n, "stage2-walk", ways, base, 2);
        Integer ipa = n.int32("ipa-cache", 0, 0, 1 << 20);
        Integer ipaWays = n.int32("ipa-ways", 4, 0, 64);
        Integer config = n.int32("config-cache", 0, 0, 1 << 20);
        Integer configWays = n.int32("config-ways", 4, 0, 64);
        CacheShape configShape = config == null || configWays == null || config == 0 ? CacheShape.NONE
                : shape(n, "config-cache", config, configWays);
        n.finish();
        if (n.problems().count() > before || s1 == null || s2 == null || configShape == null) {
            return null;
        }
        try {
            return new TcuCaches(s1, s2, ipa == 0 ? CacheShape.NONE : new CacheShape(ipa, ipaWays),
                    configShape == null ? CacheShape.NONE : configShape);
        } catch (IllegalArgumentException e) {
            Refusals.report(n, e);
            return null;
        }
    }

    private static List<CacheShape> walkLevels(ConfNode n, String key, Integer ways, TcuCaches base, int stage) {
        if (!n.has(key)) {
            List<CacheShape> out = new ArrayList<>();
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                CacheShape s = base.walk(stage, level);
                out.add(ways == null || !s.enabled() || !n.has("walk-ways") ? s : shape(n, key, s.entries(), ways));
            }
            return out.contains(null) ? null : out;
        }
        List<ConfigValue> items = n.list(key, true);
        if (items.size() != TcuCaches.LEVELS) {
            n.problem(key, items.size() + " entry counts; one per level 0 to 3 is needed");
            return null;
        }
        List<CacheShape> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object raw = items.get(i).unwrapped();
            if (!(raw instanceof Number num) || num.doubleValue() != num.longValue() || num.longValue() < 0
                    || num.longValue() > (1 << 20)) {
                n.problems().add(ConfNode.at(items.get(i), n.keyPath(key) + "[" + i + "]"),
                        ConfNode.render(items.get(i)) + " is not an entry count (0 to 1048576; 0: no cache at this level)");
                return null;
            }
            out.add(shape(n, key, (int) num.longValue(), ways == null ? 4 : ways));
        }
        return out.contains(null) ? null : out;
    }

    private static CacheShape shape(ConfNode n, String key, int entries, int ways) {
        try {
            return entries == 0 ? CacheShape.NONE : new CacheShape(entries, Math.min(ways, entries));
        } catch (IllegalArgumentException e) {
            n.problem(key, e.getMessage());
            return null;
        }
    }

    /** What a TBU's keys default to: the SMMU's {@code iotlb-*} keys. */
    private record Defaults(int entries, IotlbPolicy policy, long seed) {}

    /**
     * The {@code tbus} list: one object per TBU, in TBU order, each with its
     * TLB ({@code entries}, {@code ways}, {@code policy}, {@code seed},
     * {@code micro-entries}, {@code micro-policy}) and the {@code streams} it
     * serves. Absent: one TBU with the {@code iotlb-*} TLB, serving every stream.
     */
    private static void tbus(ConfNode n, Defaults d, List<TbuTlb> tbus, Map<Integer, Integer> streamTbus) {
        List<ConfNode> items = n.objects("tbus", false);
        if (items.size() > SmmuCapabilities.MAX_TBUS) {
            n.problem("tbus", items.size() + " TBUs; an SMMU has at most " + SmmuCapabilities.MAX_TBUS);
            return;
        }
        for (int k = 0; k < items.size(); k++) {
            ConfNode t = items.get(k);
            int before = t.problems().count();
            Integer entries = t.int32("entries", d.entries(), 1, TbuTlb.MAX_ENTRIES);
            Integer ways = t.int32("ways", entries == null ? 1 : entries, 1, TbuTlb.MAX_ENTRIES);
            IotlbPolicy policy = t.word("policy", IotlbPolicy.class, d.policy());
            Long seed = t.integer("seed", d.seed() + k, Long.MIN_VALUE, Long.MAX_VALUE);
            Integer micro = t.int32("micro-entries", 0, 0, TbuTlb.MAX_ENTRIES);
            IotlbPolicy microPolicy = t.word("micro-policy", IotlbPolicy.class, IotlbPolicy.LRU);
            List<ConfigValue> streams = t.list("streams", false);
            for (int i = 0; i < streams.size(); i++) {
                ConfigValue v = streams.get(i);
                String at = t.keyPath("streams") + "[" + i + "]";
                Object raw = v.unwrapped();
                if (!(raw instanceof Number num) || num.longValue() < 0 || num.longValue() > 0xFFFF_FFFFL
                        || num.doubleValue() != num.longValue()) {
                    t.problems().add(ConfNode.at(v, at), ConfNode.render(v) + " is not a StreamID");
                    continue;
                }
                Integer previous = streamTbus.put((int) num.longValue(), k);
                if (previous != null) {
                    t.problems().add(ConfNode.at(v, at), "stream " + num.longValue() + " is already served by TBU " + previous);
                }
            }
            t.finish();
            if (t.problems().count() > before) {
                continue;
            }
            try {
                tbus.add(new TbuTlb(entries, ways, policy, seed, micro, microPolicy));
            } catch (IllegalArgumentException e) {
                Refusals.report(t, e);
            }
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
