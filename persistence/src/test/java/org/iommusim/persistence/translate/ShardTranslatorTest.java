package org.iommusim.persistence.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.CBadCd;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.internal.BurstSlots;
import org.junit.jupiter.api.Test;

/**
 * The burst path answers exactly as one request at a time would: same
 * results, faults, fills, IOTLB and counters. And a context is reused across
 * bursts only while the configuration and the tables are the same.
 */
class ShardTranslatorTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId S1 = DomainId.of(1);
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final long IOVA = 0x4000_0000L;
    private static final long PA = 0x8_0000_0000L;
    private static final long IPA = 0x1_0000_0000L;

    /** Tables with a version, as the published views have. */
    private static final class Tables implements DomainLookup {
        final Map<DomainId, PageTable> map = new HashMap<>();
        long version;

        @Override
        public PageTable table(DomainId id) {
            return map.get(id);
        }

        @Override
        public long version() {
            return version;
        }

        void put(DomainId id, PageTable t) {
            map.put(id, t);
            version++;
        }
    }

    private static Tables tables() {
        Tables t = new Tables();
        PageTable s1 = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 5));
        for (int p = 0; p < 32; p++) {
            // even pages read-write, odd pages read-only; pages 32.. unmapped
            s1 = s1.map(IOVA + p * 0x1000L, PA + p * 0x1000L, 0x1000, p % 2 == 0 ? Prot.rw() : Prot.of(Prot.READ)).table();
        }
        t.put(S1, s1);
        PageTable s2 = PageTable.empty(DomainSpec.stage2(Granule.G4K, 44, 48, 9))
                .map(IPA, PA, 0x2000, Prot.of(Prot.WRITE)).table(); // stage 2 write-only
        s2 = s2.map(IOVA, PA + 0x10_0000, 0x1000, Prot.rw()).table();
        t.put(S2, s2);
        t.put(NESTED, PageTable.empty(DomainSpec.nested(S2, Granule.G4K, 48, 44, 6))
                .map(IOVA, IPA, 0x2000, Prot.rw()).table());
        return t;
    }

    private static ConfigCache config() {
        return ConfigCache.of(Map.of(
                1, new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(5, S1))),
                2, new StreamConfig(Ste.stage2(9, S2), Map.of()),
                3, new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2), Map.of(0, Cd.of(6, NESTED))),
                4, new StreamConfig(Ste.abort(), Map.of()),
                5, new StreamConfig(Ste.bypass(), Map.of())));
    }

    private static TranslationRequest randomRequest(Random rnd) {
        int sid = 1 + rnd.nextInt(6); // 6: never configured, C_BAD_STE
        long page = rnd.nextInt(40);
        Access a = Access.values()[rnd.nextInt(3)];
        long base = sid == 2 && rnd.nextBoolean() ? IPA : IOVA;
        return new TranslationRequest(sid, false, 0, base + page * 0x1000L + rnd.nextInt(0x1000), a, rnd.nextBoolean());
    }

    @Test
    void aBurstAnswersAsOneRequestAtATimeWouldInWhateverGroupsItIsSplit() {
        Random rnd = new Random(42);
        Tables t = tables();
        ConfigCache config = config();
        IotlbShard burstShard = IotlbShard.empty(new IotlbConfig(24, IotlbPolicy.LRU, 1));
        IotlbShard singleShard = IotlbShard.empty(new IotlbConfig(24, IotlbPolicy.LRU, 1));
        List<IotlbEvent> burstFills = new ArrayList<>();
        List<IotlbEvent> singleFills = new ArrayList<>();
        ShardTranslator burstPath = new ShardTranslator(CAPS, t, burstFills);
        ShardTranslator singlePath = new ShardTranslator(CAPS, t, singleFills);
        int faultsSeen = 0;
        for (int round = 0; round < 300; round++) {
            int n = 1 + rnd.nextInt(64);
            TranslationBurst b = new TranslationBurst(64);
            for (int i = 0; i < n; i++) {
                b.add(randomRequest(rnd));
            }
            int groups = 1 + rnd.nextInt(3);
            byte[] group = new byte[n];
            for (int i = 0; i < n; i++) {
                group[i] = (byte) rnd.nextInt(groups);
            }
            int[] start = BurstSlots.markSubmitted(b, group, groups);
            List<SmmuEvent> faults = new ArrayList<>();
            List<SmmuEvent> expectedFaults = new ArrayList<>();
            TranslationResult[] expected = new TranslationResult[n];
            for (int g = 0; g < groups; g++) {
                burstPath.translate(b, start[g], start[g + 1], config, burstShard, faults);
                for (int j = start[g]; j < start[g + 1]; j++) {
                    Outcome o = singlePath.translate(BurstSlots.slotRequest(b, j), config, singleShard);
                    expected[BurstSlots.requestInSlot(b, j)] = o.result();
                    if (o.fault() != null) {
                        expectedFaults.add(o.fault());
                    }
                }
            }
            BurstSlots.markCompleted(b);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], b.result(i), "round " + round + " request " + i + ": " + b.request(i));
            }
            assertEquals(expectedFaults, faults, "round " + round);
            faultsSeen += faults.size();
        }
        assertEquals(singleFills, burstFills);
        assertEquals(singleShard.entries(), burstShard.entries());
        assertEquals(singleShard.stats(), burstShard.stats());
        assertEquals(singlePath.streamStats(), burstPath.streamStats());
        assertTrue(faultsSeen > 100 && burstShard.stats().hits() > 500 && burstShard.stats().misses() > 500,
                "the mix exercised faults (" + faultsSeen + "), hits and misses: " + burstShard.stats());
    }

    @Test
    void aContextIsReusedOnlyWhileTheConfigurationAndTablesAreTheSame() {
        Tables t = tables();
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(16, IotlbPolicy.LRU, 1));
        ShardTranslator tr = new ShardTranslator(CAPS, t, new ArrayList<>());
        ConfigCache config = config();
        assertInstanceOf(Translated.class, once(tr, config, shard));
        // the domain goes away: the next burst must see it, even though nothing else changed
        t.map.remove(S1);
        t.version++;
        assertInstanceOf(CBadCd.class, ((Faulted) once(tr, config, shard)).event());
        // back, and then a new configuration (STE now ABORT): again seen at once
        t.put(S1, tables().table(S1));
        assertInstanceOf(Translated.class, once(tr, config, shard));
        ConfigCache aborted = ConfigCache.of(Map.of(1, new StreamConfig(Ste.abort(), Map.of())));
        assertInstanceOf(Terminated.class, once(tr, aborted, shard));
    }

    /** One request at a time reuses its last stream's context under the same rule as bursts. */
    @Test
    void aSingleRequestReusesAContextOnlyWhileTheStreamConfigurationAndTablesAreTheSame() {
        Tables t = tables();
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(16, IotlbPolicy.LRU, 1));
        ShardTranslator tr = new ShardTranslator(CAPS, t, new ArrayList<>());
        ConfigCache config = config();
        assertInstanceOf(Translated.class, single(tr, config, shard, 1, IOVA));
        assertInstanceOf(Translated.class, single(tr, config, shard, 1, IOVA + 0x1000), "reused");
        t.map.remove(S1);
        t.version++;
        assertInstanceOf(CBadCd.class, ((Faulted) single(tr, config, shard, 1, IOVA + 0x2000)).event());
        t.put(S1, tables().table(S1));
        assertInstanceOf(Translated.class, single(tr, config, shard, 1, IOVA + 0x2000));
        // another stream right after, with nothing else changed: its own configuration (STE bypass)
        assertEquals(IOVA + 0x10, ((Translated) single(tr, config, shard, 5, IOVA)).outputAddress());
        ConfigCache aborted = ConfigCache.of(Map.of(1, new StreamConfig(Ste.abort(), Map.of())));
        assertInstanceOf(Terminated.class, single(tr, aborted, shard, 1, IOVA));
        // a miss after a map walks the new table, not the one the reused context held
        ShardTranslator fresh = new ShardTranslator(CAPS, t, new ArrayList<>());
        long page = IOVA + 40 * 0x1000L;
        assertInstanceOf(Translated.class, single(fresh, config, shard, 1, IOVA));
        assertInstanceOf(Faulted.class, single(fresh, config, shard, 1, page), "not mapped yet");
        t.put(S1, t.table(S1).map(page, PA + 0x100_0000, 0x1000, Prot.rw()).table());
        assertEquals(PA + 0x100_0000 + 0x10, ((Translated) single(fresh, config, shard, 1, page)).outputAddress());
        StreamStats counted = fresh.streamStats().get(1);
        assertEquals(3, counted.hits() + counted.misses(), "each counted on its stream: " + counted);
    }

    private static TranslationResult single(ShardTranslator tr, ConfigCache config, IotlbShard shard, int sid,
            long iova) {
        return tr.translate(new TranslationRequest(sid, false, 0, iova + 0x10, Access.READ, false), config, shard)
                .result();
    }

    /** A map replaces the table a reused context would walk: a miss after it walks the new table. */
    @Test
    void aMissAfterAMapWalksTheNewTableNotTheOneAContextHeld() {
        Tables t = tables();
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(16, IotlbPolicy.LRU, 1));
        ShardTranslator tr = new ShardTranslator(CAPS, t, new ArrayList<>());
        ConfigCache config = config();
        long fresh = IOVA + 40 * 0x1000L;
        assertInstanceOf(Translated.class, once(tr, config, shard, IOVA));
        assertInstanceOf(Faulted.class, once(tr, config, shard, fresh), "not mapped yet");
        t.put(S1, t.table(S1).map(fresh, PA + 0x100_0000, 0x1000, Prot.rw()).table());
        assertEquals(PA + 0x100_0000 + 0x10, ((Translated) once(tr, config, shard, fresh)).outputAddress());
    }

    private static TranslationResult once(ShardTranslator tr, ConfigCache config, IotlbShard shard) {
        return once(tr, config, shard, IOVA);
    }

    private static TranslationResult once(ShardTranslator tr, ConfigCache config, IotlbShard shard, long iova) {
        TranslationBurst b = new TranslationBurst(1);
        b.add(1, iova + 0x10, Access.READ);
        BurstSlots.markSubmitted(b);
        tr.translate(b, 0, 1, config, shard, new ArrayList<>());
        BurstSlots.markCompleted(b);
        return b.result(0);
    }
}
