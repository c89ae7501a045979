package org.iommusim.persistence.tcu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.ConfigSource;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiCdAll;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CfgiSteRange;
import org.iommusim.protocol.command.TlbiNsnhAll;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.junit.jupiter.api.Test;

/**
 * The TCU's bounded configuration cache as a pure state machine: STEs by
 * StreamID and CDs by (StreamID, SubstreamID) in the configured entries and
 * ways, LRU within a set; a miss reads the stream table and fills; only CFGI
 * commands invalidate; its log and snapshot rebuild it exactly.
 */
class BoundedConfigCacheTest {

    /** The streams' memory: what software wrote. */
    static final class Memory implements StreamMemoryView {
        final TreeMap<Long, StreamConfig> streams = new TreeMap<>();

        void ste(int sid, Ste ste) {
            streams.put(Integer.toUnsignedLong(sid), stream(sid).orElse(StreamConfig.UNCONFIGURED).withSte(ste));
        }

        void cd(int sid, int ssid, Cd cd) {
            streams.put(Integer.toUnsignedLong(sid), stream(sid).orElse(StreamConfig.UNCONFIGURED).withCd(ssid, cd));
        }

        @Override
        public Optional<StreamConfig> stream(int sid) {
            return Optional.ofNullable(streams.get(Integer.toUnsignedLong(sid)));
        }

        @Override
        public SortedSet<Long> writtenSids(long first, long count) {
            return new TreeSet<>(streams.subMap(first, first + count).keySet());
        }
    }

    static Ste s2(int vmid) {
        return Ste.stage2(vmid, DomainId.of(100 + vmid));
    }

    static Tcu tcu(int entries, int ways) {
        return new Tcu(TcuCaches.defaults().withConfigCache(new CacheShape(entries, ways)));
    }

    static CacheStats stats(Tcu t) {
        List<CacheStats> all = t.stats();
        CacheStats c = all.get(all.size() - 1);
        assertEquals("config", c.name());
        return c;
    }

    static List<Integer> steSids(Tcu t) {
        return t.configEntries().stream().filter(ConfigEntry::isSte).map(ConfigEntry::sid).sorted().toList();
    }

    @Test
    void unboundedByDefaultTheTcuHasNoConfigurationCacheAndCountsNothing() {
        Tcu t = new Tcu(TcuCaches.defaults());
        assertFalse(t.configBounded());
        assertEquals(9, t.stats().size(), "walk caches and the IPA cache only: the configuration cache is the SMMU's");
        assertTrue(t.stats().stream().noneMatch(s -> s.name().equals("config")));
    }

    @Test
    void aFullyAssociativeCacheHoldsExactlyItsEntriesAndEvictsTheLeastRecentlyUsed() {
        Memory m = new Memory();
        for (int sid = 1; sid <= 5; sid++) {
            m.ste(sid, s2(sid));
        }
        Tcu t = tcu(4, 0);
        for (int sid = 1; sid <= 4; sid++) {
            assertEquals(s2(sid), t.configSte(sid, m));
        }
        assertEquals(List.of(1, 2, 3, 4), steSids(t));
        t.configSte(1, m); // a hit: 1 becomes the most recently used, 2 the least
        t.configSte(5, m);
        assertEquals(List.of(1, 3, 4, 5), steSids(t), "the fifth stream evicts the least recently used, sid 2");
        CacheStats s = stats(t);
        assertEquals(4, s.capacity());
        assertEquals(4, s.size());
        assertEquals(6, s.lookups());
        assertEquals(1, s.hits());
        assertEquals(5, s.misses());
        assertEquals(5, s.fills());
        assertEquals(1, s.evictions());
    }

    @Test
    void aSetAssociativeCacheEvictsWithinASetWhileOtherSetsHaveRoom() {
        Memory m = new Memory();
        for (int sid = 0; sid < 64; sid++) {
            m.ste(sid, s2(sid + 1));
        }
        Tcu t = tcu(8, 2); // 4 sets of 2 ways
        int firstConflict = -1;
        for (int sid = 0; sid < 64 && firstConflict < 0; sid++) {
            t.configSte(sid, m);
            CacheStats s = stats(t);
            if (s.evictions() > 0) {
                firstConflict = sid;
                assertTrue(s.size() < 8, "an eviction happened with free ways in another set: size " + s.size());
            }
        }
        assertTrue(firstConflict > 0, "some StreamIDs share a set");
        // never more than 2 ways in a set, never more than 8 entries in all
        for (int sid = 0; sid < 64; sid++) {
            t.configSte(sid, m);
        }
        assertEquals(8, stats(t).size());
        Tcu direct = tcu(8, 8);
        for (int sid = 0; sid < 8; sid++) {
            direct.configSte(sid, m);
        }
        assertEquals(0, stats(direct).evictions(), "fully associative (ways = entries): 8 streams fit in 8 entries");
    }

    @Test
    void anSteRewrittenWithoutCfgiIsSeenOldWhileCachedAndNewOnceEvicted() {
        Memory m = new Memory();
        m.ste(1, s2(1));
        m.ste(2, s2(2));
        Tcu t = tcu(1, 1);
        assertEquals(s2(1), t.configSte(1, m));
        m.ste(1, Ste.bypass()); // software rewrites the STE and sends no CFGI_STE
        assertEquals(s2(1), t.configSte(1, m), "cached: the old STE stays in force");
        assertEquals(s2(2), t.configSte(2, m)); // the one entry now holds sid 2: sid 1's STE is evicted
        assertEquals(Ste.bypass(), t.configSte(1, m), "evicted: the next translation reads the new STE");
        assertEquals(2, stats(t).evictions());
    }

    @Test
    void cdsAreKeyedByStreamAndSubstreamAndOnlyValidStructuresAreCached() {
        Memory m = new Memory();
        Cd a = Cd.of(5, DomainId.of(1));
        Cd b = Cd.of(6, DomainId.of(1));
        m.ste(3, Ste.stage1(4, S1Dss.TERMINATE));
        m.cd(3, 0, a);
        m.cd(3, 1, b);
        m.cd(3, 2, Cd.invalid());
        Tcu t = tcu(8, 0);
        ConfigSource src = t.configSource(3, m);
        assertEquals(b, src.cd(1));
        assertEquals(a, src.cd(0));
        assertEquals(Cd.invalid(), src.cd(2));
        assertNull(src.cd(7), "no CD at SSID 7");
        assertEquals(2, t.configEntries().size(), "the CD lookups filled (3,1) and (3,0); invalid and absent CDs never");
        assertTrue(t.configEntries().stream().noneMatch(ConfigEntry::isSte), "the STE was never asked for");
        src.ste();
        src.ste();
        assertEquals(1, t.configEntries().stream().filter(ConfigEntry::isSte).count());
        assertEquals(5, stats(t).lookups(), "a source looks its STE up once");
        assertEquals(Ste.invalid(), t.configSte(9, m), "a StreamID never written reads as an invalid STE");
        assertEquals(3, t.configEntries().size(), "and it is not cached");
    }

    @Test
    void cfgiRulesRemoveWhatTheArchitectureSays() {
        Memory m = new Memory();
        for (int sid = 0; sid < 8; sid++) {
            m.ste(sid, Ste.stage1(4, S1Dss.SSID0));
            m.cd(sid, 0, Cd.of(sid + 1, DomainId.of(1)));
            m.cd(sid, 1, Cd.of(sid + 20, DomainId.of(1)));
        }
        Tcu t = tcu(64, 0);
        for (int sid = 0; sid < 8; sid++) {
            t.configSte(sid, m);
            t.configCd(sid, 0, m);
            t.configCd(sid, 1, m);
        }
        assertEquals(24, t.configEntries().size());
        assertEquals(0, t.invalidate(new TlbiNsnhAll()), "a TLBI never touches the configuration cache");
        assertEquals(24, t.configEntries().size());
        assertEquals(3, t.invalidateConfig(new CfgiSte(1, true)), "CFGI_STE, Leaf=1 too: the STE and its CDs");
        assertFalse(holds(t, 1, ConfigEntry.STE) || holds(t, 1, 0) || holds(t, 1, 1));
        assertEquals(1, t.invalidateConfig(new CfgiCd(2, 1, true)), "CFGI_CD: one CD");
        assertTrue(holds(t, 2, ConfigEntry.STE) && holds(t, 2, 0) && !holds(t, 2, 1));
        assertEquals(2, t.invalidateConfig(new CfgiCdAll(3)), "CFGI_CD_ALL: every CD, not the STE");
        assertTrue(holds(t, 3, ConfigEntry.STE) && !holds(t, 3, 0) && !holds(t, 3, 1));
        // RANGE=1: 4 StreamIDs aligned down: 4..7
        assertEquals(12, t.invalidateConfig(new CfgiSteRange(5, 1)));
        for (int sid = 4; sid < 8; sid++) {
            assertFalse(holds(t, sid, ConfigEntry.STE), "sid " + sid);
        }
        assertTrue(holds(t, 0, ConfigEntry.STE));
        assertEquals(6, t.invalidateConfig(CfgiSteRange.all()), "CFGI_ALL: what is left");
        assertEquals(0, t.configEntries().size());
        assertEquals(24, stats(t).invalidations());
    }

    static boolean holds(Tcu t, int sid, int ssid) {
        return t.configEntries().stream().anyMatch(e -> e.sid() == sid && e.ssid() == ssid);
    }

    @Test
    void theLogAndASnapshotRebuildEveryEntryInItsSlotAndTheSameNextVictim() throws IOException {
        Memory m = new Memory();
        for (int sid = 0; sid < 40; sid++) {
            m.ste(sid, s2(sid + 1));
            m.cd(sid, 0, Cd.of(sid + 1, DomainId.of(1)));
        }
        TcuCaches shape = TcuCaches.defaults().withConfigCache(new CacheShape(8, 2));
        Tcu live = new Tcu(shape);
        List<TcuEvent> log = new ArrayList<>();
        live.recordInto(log, () -> {});
        live.configure();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 300; i++) {
            int sid = rnd.nextInt(40);
            switch (rnd.nextInt(6)) {
                case 0 -> live.invalidateConfig(new CfgiSte(sid, rnd.nextBoolean()));
                case 1 -> live.invalidateConfig(new CfgiCd(sid, 0, true));
                case 2 -> live.configCd(sid, 0, m);
                default -> live.configSte(sid, m);
            }
        }
        Tcu replayed = new Tcu(shape);
        for (TcuEvent e : log) {
            replayed.apply(viaCodec(e));
        }
        assertEquals(bySlot(live), bySlot(replayed), "replay of the log: every entry in its slot");
        Tcu restored = Tcu.restore(roundTrip(TcuCodecs.SNAPSHOT, live.snapshot()));
        assertEquals(bySlot(live), bySlot(restored));
        assertEquals(stats(live), stats(restored), "a snapshot keeps the counters, lookups included");
        // the same LRU order: the same victims from here on
        for (int sid = 0; sid < 40; sid++) {
            live.configSte(sid, m);
            restored.configSte(sid, m);
            assertEquals(bySlot(live), bySlot(restored), "after sid " + sid);
        }
    }

    @Test
    void aConfigurationCacheEventNeedsACfgi() {
        assertThrows(IllegalArgumentException.class, () -> new TcuEvent.ConfigInvalidated(new TlbiNsnhAll(), 0));
        assertThrows(IllegalArgumentException.class, () -> new ConfigEntry(1, ConfigEntry.STE, null, null));
    }

    @Test
    void configInForcePeeksWithoutCountingAndFallsBackToMemory() {
        Memory m = new Memory();
        m.ste(1, s2(1));
        Tcu t = tcu(4, 0);
        t.configSte(1, m);
        m.ste(1, Ste.bypass());
        m.ste(2, s2(2));
        long lookups = stats(t).lookups();
        assertEquals(s2(1), t.configInForce(ConfigCache.EMPTY, 1, m).ste(), "cached: the old STE is in force");
        assertEquals(s2(2), t.configInForce(ConfigCache.EMPTY, 2, m).ste(), "not cached: what a miss would read");
        assertEquals(lookups, stats(t).lookups());
        Tcu unbounded = new Tcu(TcuCaches.defaults());
        assertEquals(Ste.invalid(), unbounded.configInForce(ConfigCache.EMPTY, 2, m).ste(),
                "unbounded: only what CFGI loaded into the SMMU's configuration cache");
    }

    static java.util.Map<Integer, ConfigEntry> bySlot(Tcu t) {
        java.util.Map<Integer, ConfigEntry> out = new TreeMap<>();
        for (TcuEvent e : t.snapshot().fills()) {
            if (e instanceof TcuEvent.ConfigFilled f) {
                out.put(f.slot(), f.entry());
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static TcuEvent viaCodec(TcuEvent e) throws IOException {
        if (e instanceof TcuEvent.ConfigFilled f) {
            return roundTrip(TcuCodecs.CONFIG_FILLED, f);
        }
        if (e instanceof TcuEvent.ConfigInvalidated i) {
            return roundTrip(TcuCodecs.CONFIG_INVALIDATED, i);
        }
        if (e instanceof TcuEvent.GuestCdRead g) {
            return roundTrip(TcuCodecs.GUEST_CD_READ, g);
        }
        if (e instanceof TcuEvent.AcksAhead a) {
            return roundTrip(TcuCodecs.ACKS_AHEAD, a);
        }
        return roundTrip(TcuCodecs.CONFIGURED, (TcuEvent.Configured) e);
    }

    static <T> T roundTrip(BinaryCodec<T> codec, T v) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codec.write(v, new DataOutputStream(bytes));
        T back = codec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(v, back);
        return back;
    }
}
