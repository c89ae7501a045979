package org.iommusim.persistence.tcu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNsnhAll;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;

/**
 * Crash and rebuild of the TCU's caches, as {@code IotlbHistoryProperties}
 * does for a TLB: random histories of maps, unmaps (which free table pages),
 * stage-1, stage-2 and nested walks through small walk caches and an IPA cache
 * (so fills evict), and TLBIs of every kind, LEAF=1 and LEAF=0. The TCU logs
 * every fill and invalidation in the order it applied them; then
 * <ul>
 *   <li>replay of the whole log (each event through its codec) rebuilds
 *       exactly the live caches: every entry in the slot it holds live;</li>
 *   <li>a snapshot (through its codec) taken at a random point plus the events
 *       after it rebuilds exactly what replay from empty does (entries, slots,
 *       LRU order, counters);</li>
 *   <li>crash: the log cut at a random prefix rebuilds the live caches as they
 *       were at the cut, and never an entry an invalidation in the prefix
 *       removed (and no fill put back) in any cache kind: walk caches of each
 *       stage and level, the IPA cache, and the bounded configuration cache
 *       (which translations fill and CFGIs invalidate).</li>
 * </ul>
 */
class TcuHistoryProperties {
    private static final long BASE = 0x4000_0000L;
    private static final int PAGES = 48;

    sealed interface Op {}

    record Map_(int domain, int page) implements Op {}

    record Unmap(int domain, int page) implements Op {}

    record Translate(int domainOrSid, int page) implements Op {}

    /** Unmaps every page of one level-3 table: the table is freed. */
    record UnmapTable(int domain, int table) implements Op {}

    record Invalidate(int kind, int page, boolean leaf) implements Op {}

    /** A CFGI for the bounded configuration cache: kind 0 CFGI_STE, 1 CFGI_CD, 2 CFGI_CD_ALL, 3 CFGI_ALL. */
    record Cfgi(int kind, int sid) implements Op {}

    record History(List<Op> ops, double cutAt, double snapshotAt) {}

    static long iova(int page) {
        // eight pages per level-3 table, six level-3 tables: unmapping a table's pages frees it
        return BASE + (long) (page / 8) * 0x20_0000L + (long) (page % 8) * 0x1000L;
    }

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<Integer> page = Arbitraries.integers().between(0, PAGES - 1);
        Arbitrary<Integer> domain = Arbitraries.integers().between(0, 2);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Combinators.combine(domain, page).as(Map_::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(domain, page).as(Unmap::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(domain, Arbitraries.integers().between(0, PAGES / 8 - 1))
                        .as(UnmapTable::new)),
                net.jqwik.api.Tuple.of(6, Combinators.combine(domain, page).as(Translate::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 5), page,
                        Arbitraries.of(true, false)).as(Invalidate::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(1, 3)).as(Cfgi::new)));
        return Combinators.combine(op.list().ofMinSize(30).ofMaxSize(160), Arbitraries.doubles().between(0, 1),
                Arbitraries.doubles().between(0, 1)).as(History::new);
    }

    /**
     * Small caches, so that fills evict: 2-way walk caches, a 2-way IPA cache and a 2-entry configuration
     * cache (three streams' STEs and two CDs: translations evict each other's configuration).
     */
    static TcuCaches smallCaches() {
        List<CacheShape> walk = List.of(new CacheShape(2, 2), new CacheShape(4, 2), new CacheShape(6, 2),
                new CacheShape(4, 2));
        return new TcuCaches(walk, walk, new CacheShape(6, 2), new CacheShape(2, 2));
    }

    private static final DomainIds DOMAINS = new DomainIds();

    /** Domain 0: stage 1 (sid 1), 1: stage 2 (sid 2, also the nested stream's stage 2), 2: nested's stage 1 (sid 3). */
    static final class DomainIds {
        final org.iommusim.protocol.domain.DomainId[] ids = {TcuFixture.S1, TcuFixture.S2, TcuFixture.NESTED};
        final int[] sids = {TcuFixture.S1_SID, TcuFixture.S2_SID, TcuFixture.NESTED_SID};
    }

    @Property(tries = 300)
    void theLogRebuildsEveryCacheExactlyAtAnyCut(@ForAll("histories") History h) {
        TcuFixture f = new TcuFixture(smallCaches());
        f.shard = IotlbShard.empty(new IotlbConfig(1, IotlbPolicy.LRU, 1)); // nearly every translation walks
        List<TcuEvent> log = new ArrayList<>();
        List<Map<String, Object>> after = new ArrayList<>(); // after.get(i): the live slots once i events were logged
        after.add(slots(f.tcu.snapshot()));
        log.add(new TcuEvent.Configured(f.tcu.shape()));
        after.add(slots(f.tcu.snapshot()));
        f.tcu.recordInto(new ArrayList<>() {
            @Override
            public boolean add(TcuEvent e) {
                log.add(e);
                after.add(slots(f.tcu.snapshot())); // under the TCU's lock: the state this event left
                return super.add(e);
            }
        }, () -> {});
        Set<String> mapped = new HashSet<>();
        List<Op> ops = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            for (int p = 0; p < PAGES; p++) {
                ops.add(new Map_(d, p)); // everything mapped first: walks reach the leaves, unmaps free tables
            }
        }
        for (Op op : h.ops()) {
            if (op instanceof UnmapTable u) {
                for (int p = u.table() * 8; p < u.table() * 8 + 8; p++) {
                    ops.add(new Unmap(u.domain(), p));
                }
            } else {
                ops.add(op);
            }
        }
        for (Op op : ops) {
            if (op instanceof Map_ m) {
                if (mapped.add(m.domain() + "/" + m.page())) {
                    f.map(DOMAINS.ids[m.domain()], spec(m.domain()), iova(m.page()),
                            0x8_0000_0000L + (long) m.domain() * 0x1000_0000L + m.page() * 0x1000L, 0x1000);
                }
            } else if (op instanceof Unmap u) {
                if (mapped.remove(u.domain() + "/" + u.page())) {
                    f.unmap(DOMAINS.ids[u.domain()], iova(u.page()), 0x1000);
                }
            } else if (op instanceof Translate t) {
                if (f.tables.containsKey(DOMAINS.ids[t.domainOrSid()])) {
                    f.translate(DOMAINS.sids[t.domainOrSid()], iova(t.page()));
                }
            } else if (op instanceof Invalidate i) {
                f.invalidate(command(i));
            } else if (op instanceof Cfgi c) {
                f.tcu.invalidateConfig(cfgi(c));
            }
        }
        var stats = f.tcu.stats();
        long evictions = stats.stream().mapToLong(CacheStats::evictions).sum();
        long invalidated = stats.stream().mapToLong(CacheStats::invalidations).sum();
        Statistics.label("evictions").collect(evictions == 0 ? "none" : evictions < 5 ? "1-4" : "5+");
        Statistics.label("invalidated entries").collect(invalidated == 0 ? "none" : invalidated < 5 ? "1-4" : "5+");
        CacheStats config = stats.get(stats.size() - 1);
        Statistics.label("config evictions").collect(config.evictions() == 0 ? "none" : "some");
        Statistics.label("config invalidated").collect(config.invalidations() == 0 ? "none" : "some");
        Statistics.label("freed-table reads").collect(f.tcu.freedTableReads().isEmpty() ? "none" : "some");

        int n = log.size();
        assertEquals(slots(f.tcu.snapshot()), after.get(n), "the last event left the caches as they are");
        int cut = (int) Math.round(h.cutAt() * n);
        int snap = (int) Math.round(h.snapshotAt() * cut);
        rebuildAndCompare(log, after, 0, n);
        rebuildAndCompare(log, after, snap, n);
        rebuildAndCompare(log, after, 0, cut);
        rebuildAndCompare(log, after, snap, cut);
    }

    private static org.iommusim.protocol.domain.DomainSpec spec(int domain) {
        return switch (domain) {
            case 0 -> TcuFixture.s1Spec();
            case 1 -> TcuFixture.s2Spec();
            default -> TcuFixture.nestedSpec();
        };
    }

    private static TlbiCommand command(Invalidate i) {
        long va = iova(i.page());
        return switch (i.kind()) {
            case 0 -> new TlbiNhVa(0, TcuFixture.ASID, va, i.leaf(), TlbiRange.NONE);
            case 1 -> new TlbiS2Ipa(TcuFixture.VMID, va, i.leaf(), TlbiRange.NONE);
            case 2 -> new TlbiNhAsid(0, TcuFixture.ASID);
            case 3 -> new TlbiNhAll(TcuFixture.VMID);
            case 4 -> new TlbiS12Vmall(TcuFixture.VMID);
            default -> new TlbiNsnhAll();
        };
    }

    private static org.iommusim.protocol.command.Command cfgi(Cfgi c) {
        return switch (c.kind()) {
            case 0 -> new org.iommusim.protocol.command.CfgiSte(c.sid(), true);
            case 1 -> new org.iommusim.protocol.command.CfgiCd(c.sid(), 0, true);
            case 2 -> new org.iommusim.protocol.command.CfgiCdAll(c.sid());
            default -> org.iommusim.protocol.command.CfgiSteRange.all();
        };
    }

    /** The rebuilt TCU from the snapshot of the replica after {@code from} events, then events up to {@code cut}. */
    private static void rebuildAndCompare(List<TcuEvent> log, List<Map<String, Object>> after, int from, int cut) {
        Tcu replica = replay(log, 0, from);
        Tcu rebuilt = Tcu.restore(viaCodec(TcuCodecs.SNAPSHOT, replica.snapshot()));
        for (int i = from; i < cut; i++) {
            rebuilt.apply(viaCodec(log.get(i)));
        }
        Tcu fromEmpty = replay(log, 0, cut);
        assertEquals(fromEmpty.snapshot(), rebuilt.snapshot(), "snapshot at " + from + " + events to " + cut
                + " = replay from empty");
        Map<String, Object> slots = slots(rebuilt.snapshot());
        assertEquals(after.get(cut), slots, "rebuilt at the cut " + cut + " = live at the cut");
        // nothing an invalidation before the cut removed comes back, unless a fill after it put it back
        for (var e : slots.entrySet()) {
            int lastFill = -1;
            for (int j = 0; j < cut; j++) {
                if (key(log.get(j)) != null && key(log.get(j)).equals(e.getKey()) && value(log.get(j)).equals(e.getValue())) {
                    lastFill = j;
                }
            }
            assertTrue(lastFill >= 0, "rebuilt entry never filled: " + e);
            for (int j = lastFill + 1; j < cut; j++) {
                if (log.get(j) instanceof TcuEvent.Invalidated inv && !(e.getValue() instanceof ConfigEntry)) {
                    assertFalse(removes(inv.command(), e.getKey(), e.getValue()), "survived " + inv + ": " + e);
                }
                if (log.get(j) instanceof TcuEvent.ConfigInvalidated inv && e.getValue() instanceof ConfigEntry c) {
                    assertFalse(ConfigInvalidation.removes(inv.command(), c), "survived " + inv + ": " + e);
                }
            }
        }
    }

    private static boolean removes(TlbiCommand c, String key, Object entry) {
        if (entry instanceof IpaEntry ipa) {
            return TcuInvalidation.removes(c, ipa);
        }
        String[] p = key.split("/");
        return TcuInvalidation.removes(c, Integer.parseInt(p[1]), Integer.parseInt(p[2]), (WalkEntry) entry);
    }

    private static Tcu replay(List<TcuEvent> log, int from, int to) {
        Tcu t = new Tcu(((TcuEvent.Configured) log.get(0)).shape());
        for (int i = from; i < to; i++) {
            t.apply(viaCodec(log.get(i)));
        }
        return t;
    }

    /** Slot key (cache and slot) to entry. */
    private static Map<String, Object> slots(TcuSnapshot s) {
        Map<String, Object> out = new HashMap<>();
        for (TcuEvent e : s.fills()) {
            out.put(key(e), value(e));
        }
        return out;
    }

    private static String key(TcuEvent e) {
        if (e instanceof TcuEvent.WalkFilled w) {
            return "walk/" + w.stage() + "/" + w.level() + "/" + w.slot();
        }
        if (e instanceof TcuEvent.IpaFilled p) {
            return "ipa/" + p.slot();
        }
        if (e instanceof TcuEvent.ConfigFilled c) {
            return "config/" + c.slot();
        }
        return null;
    }

    private static Object value(TcuEvent e) {
        if (e instanceof TcuEvent.ConfigFilled c) {
            return c.entry();
        }
        return e instanceof TcuEvent.WalkFilled w ? w.entry() : ((TcuEvent.IpaFilled) e).entry();
    }

    @SuppressWarnings("unchecked")
    private static TcuEvent viaCodec(TcuEvent e) {
        if (e instanceof TcuEvent.WalkFilled w) {
            return viaCodec(TcuCodecs.WALK_FILLED, w);
        }
        if (e instanceof TcuEvent.IpaFilled p) {
            return viaCodec(TcuCodecs.IPA_FILLED, p);
        }
        if (e instanceof TcuEvent.Invalidated i) {
            return viaCodec(TcuCodecs.INVALIDATED, i);
        }
        if (e instanceof TcuEvent.ConfigFilled c) {
            return viaCodec(TcuCodecs.CONFIG_FILLED, c);
        }
        if (e instanceof TcuEvent.ConfigInvalidated c) {
            return viaCodec(TcuCodecs.CONFIG_INVALIDATED, c);
        }
        return viaCodec(TcuCodecs.CONFIGURED, (TcuEvent.Configured) e);
    }

    private static <T> T viaCodec(BinaryCodec<T> codec, T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            codec.write(value, new DataOutputStream(bytes));
            T back = codec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(value, back, "through its codec");
            return back;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
