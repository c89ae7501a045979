package org.iommusim.persistence.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.WalkTally;
import org.iommusim.persistence.tcu.WalkTrace;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.DescriptorRead;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.WalkDetail;
import org.junit.jupiter.api.Test;

/**
 * The walk's detail ({@link Outcome#walk()}) agrees with the count the model charges ({@link Outcome#walkSteps()})
 * on every path: cold walks, walks a table or leaf walk-cache entry starts, faults, without a TCU, nested with and
 * without the IPA cache; and it is recorded only when the caller's tally carries a trace.
 */
class WalkDescriptorsTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId S1 = DomainId.of(1);
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final long TABLES = 0x2000_0000L;

    private final Map<DomainId, PageTable> tables = new HashMap<>();

    WalkDescriptorsTest() {
        PageTable s1 = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 6));
        PageTable nested = PageTable.empty(DomainSpec.nested(S2, Granule.G4K, 48, 44, 5));
        PageTable s2 = PageTable.empty(DomainSpec.stage2(Granule.G4K, 44, 48, 9));
        for (int k = 0; k < 24; k++) {
            long iova = iova(k);
            s1 = s1.map(iova, 0x8_0000_0000L + k * 0x1000L, 0x1000, Prot.rw()).table();
            // every stage-1 page of the nested domain maps one of 4 IPA pages: the IPA cache hits
            nested = nested.map(iova, 0x1_0000_0000L + (k % 4) * 0x1000L, 0x1000, Prot.rw()).table();
        }
        s2 = s2.map(0x1_0000_0000L, 0x9_0000_0000L, 0x4000, Prot.rw()).table();
        s2 = s2.map(TABLES, 0x7_0000_0000L, 0x10_0000, Prot.of(Prot.READ)).table();
        tables.put(S1, s1);
        tables.put(NESTED, nested);
        tables.put(S2, s2);
    }

    /** Pages spread over level-1, level-2 and level-3 neighbours, so walks start at every level. */
    private static long iova(int k) {
        return 0x4000_0000L + (k % 3) * 0x4000_0000L + ((k / 3) % 4) * 0x20_0000L + (k / 12) * 0x1000L;
    }

    private List<Outcome> run(StreamConfig config, Tcu tcu, boolean traced) {
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(1, IotlbPolicy.LRU, 1)); // one entry: almost every request walks
        WalkTally tally = new WalkTally();
        List<Outcome> out = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int step = 0; step < 2 * 26; step++) {
                // each page, then the one before again (out of the one-entry TLB, its leaf still in the walk
                // cache); k = 24, 25: unmapped addresses, a walk that faults
                int k = step / 2 - step % 2;
                if (k < 0) {
                    continue;
                }
                long iova = k < 24 ? iova(k) : 0x7000_0000_0000L + k * 0x1000L;
                TranslationRequest r = TranslationRequest.of(1, iova + 8, Access.READ);
                tally.trace = traced ? new WalkTrace() : null;
                out.add(TranslationEngine.translate(r, ConfigResolution.resolve(r, CAPS, config, tables::get), shard,
                        tcu, tally));
            }
        }
        return out;
    }

    private static StreamConfig stage1() {
        return new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(6, S1)));
    }

    private static StreamConfig nested() {
        return new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2), Map.of(0, Cd.of(5, NESTED).withTtb0(TABLES)));
    }

    /** Each stage's descriptors come in runs of consecutive levels, each run ending at level 3 or the fault. */
    private static void agrees(Outcome o) {
        if (o.path() != Outcome.Path.MISS) {
            return;
        }
        WalkDetail w = o.walk();
        assertEquals(o.walkSteps(), w.descriptors().size(), "the detail lists what the count charges: " + w);
        for (DescriptorRead d : w.descriptors()) {
            assertTrue(d.level() >= 0 && d.level() <= 3, d.toString());
        }
    }

    @Test
    void aStage1WalkThroughTheWalkCachesListsWhatItCounts() {
        List<Outcome> outcomes = run(stage1(), new Tcu(TcuCaches.defaults()), true);
        outcomes.forEach(WalkDescriptorsTest::agrees);
        PageTable s1 = tables.get(S1);
        int[] startedAt = new int[5];
        for (Outcome o : outcomes) {
            if (o.path() != Outcome.Path.MISS) {
                continue;
            }
            int hit = o.walk().stage1WalkCacheHitLevel();
            startedAt[hit + 1]++;
            List<DescriptorRead> d = o.walk().descriptors();
            assertEquals(hit == -1 ? 0 : hit + 1, d.isEmpty() ? hit + 1 : d.get(0).level(),
                    "the walk starts below the level that hit: " + o.walk());
            if (hit == -1) {
                assertEquals(PageTable.ROOT_TABLE_ID, d.get(0).tableId());
            }
            for (int i = 1; i < d.size(); i++) {
                assertEquals(d.get(i - 1).level() + 1, d.get(i).level());
            }
        }
        assertTrue(startedAt[0] > 0, "cold walks from the root");
        assertTrue(startedAt[3] > 0, "walks a level-2 table entry started");
        assertTrue(startedAt[4] > 0, "walks a level-3 leaf entry answered, reading nothing");
        assertTrue(startedAt[1] + startedAt[2] > 0, "walks a level-0 or level-1 table entry started");
        // each read names the table page on the input's path
        TranslationRequest r = TranslationRequest.of(1, iova(5) + 8, Access.READ);
        WalkTally tally = new WalkTally();
        tally.trace = new WalkTrace();
        Outcome o = TranslationEngine.translate(r, ConfigResolution.resolve(r, CAPS, stage1(), tables::get),
                IotlbShard.empty(new IotlbConfig(1, IotlbPolicy.LRU, 1)), new Tcu(TcuCaches.defaults()), tally);
        for (DescriptorRead d : o.walk().descriptors()) {
            assertEquals(s1.tableIdAt(d.level(), iova(5)), d.tableId());
            assertEquals(s1.descriptorIndex(d.level(), iova(5)), d.index());
        }
        assertEquals(4, o.walk().descriptors().size());
    }

    @Test
    void withoutATcuEveryWalkIsListedFromTheRoot() {
        List<Outcome> outcomes = run(stage1(), null, true);
        outcomes.forEach(WalkDescriptorsTest::agrees);
        assertTrue(outcomes.stream().filter(o -> o.path() == Outcome.Path.MISS)
                .allMatch(o -> o.walk().stage1WalkCacheHitLevel() == -1 && o.walk().descriptors().get(0).level() == 0));
    }

    @Test
    void aNestedWalkListsItsStage2ReadsWithAndWithoutTheIpaCache() {
        List<Outcome> plain = run(nested(), new Tcu(TcuCaches.defaults()), true);
        plain.forEach(WalkDescriptorsTest::agrees);
        List<Outcome> ipa = run(nested(), new Tcu(TcuCaches.defaults().withIpaCache(new CacheShape(16, 4))), true);
        ipa.forEach(WalkDescriptorsTest::agrees);
        long ipaHits = ipa.stream().filter(o -> o.path() == Outcome.Path.MISS && o.walk().ipaCacheHit()).count();
        assertTrue(ipaHits > 0, "4 IPA pages behind 24 stage-1 pages: the IPA cache answers");
        for (Outcome o : ipa) {
            if (o.path() == Outcome.Path.MISS && o.walk().ipaCacheHit()) {
                List<DescriptorRead> d = o.walk().descriptors();
                // a leaf walk-cache hit in stage 1 reads nothing at all
                assertTrue(d.isEmpty() || d.get(d.size() - 1).stage() == 1, "nothing read for the output IPA: " + d);
                assertEquals(-1, o.walk().stage2WalkCacheHitLevel());
            }
        }
        // the stage-1 descriptors of a nested stream whose CD gives TTB0 have their IPAs in the pool
        assertTrue(plain.stream().filter(o -> o.path() == Outcome.Path.MISS)
                .flatMap(o -> o.walk().descriptors(1).stream())
                .allMatch(d -> d.address() == TABLES + d.tableId() * 0x1000 + d.index() * 8L));
    }

    @Test
    void theHotPathRecordsNoDetail() {
        for (Outcome o : run(nested(), new Tcu(TcuCaches.defaults()), false)) {
            assertNull(o.walk(), "no trace asked for: no detail");
        }
        for (Outcome o : run(stage1(), null, false)) {
            assertNull(o.walk());
        }
    }
}
