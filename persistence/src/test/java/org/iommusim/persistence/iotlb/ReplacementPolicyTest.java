package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.iotlb.Entries.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplacementPolicyTest {
    final IotlbEntry a = s1(0, 1, 0x1000);
    final IotlbEntry b = s1(0, 1, 0x2000);
    final IotlbEntry c = s1(0, 1, 0x3000);
    final IotlbEntry d = s1(0, 1, 0x4000);

    private IotlbShard abcThenLookupA(IotlbPolicy policy) {
        IotlbShard shard = shard(3, policy);
        shard.fill(a);
        shard.fill(b);
        shard.fill(c);
        assertTrue(shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x1234).isPresent());
        return shard;
    }

    @Test
    void lruEvictsTheLeastRecentlyLookedUpEntry() {
        IotlbShard shard = abcThenLookupA(IotlbPolicy.LRU);
        assertEquals(List.of(b, c, a), shard.entries(), "the hit made a the most recently used");
        assertEquals(List.of(new IotlbEvent.Filled(d, b)), shard.fill(d), "the victim is named in the event");
        assertEquals(List.of(c, a, d), shard.entries());
        assertEquals(1, shard.stats().evictions());
    }

    @Test
    void fifoEvictsTheOldestFillWhateverWasLookedUp() {
        IotlbShard shard = abcThenLookupA(IotlbPolicy.FIFO);
        assertEquals(List.of(a, b, c), shard.entries());
        assertEquals(List.of(new IotlbEvent.Filled(d, a)), shard.fill(d));
        assertEquals(List.of(b, c, d), shard.entries());
    }

    @Test
    void flushAllEmptiesTheShardOnTheFillThatFindsItFull() {
        IotlbShard shard = abcThenLookupA(IotlbPolicy.FLUSH_ALL_WHEN_FULL);
        assertEquals(List.of(new IotlbEvent.Flushed(), IotlbEvent.Filled.withoutEviction(d)), shard.fill(d));
        assertEquals(List.of(d), shard.entries());
        assertEquals(1, shard.stats().flushes());
        assertEquals(3, shard.stats().flushedEntries());
        assertEquals(0, shard.stats().evictions());
    }

    private List<IotlbEntry> randomVictims(long seed) {
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(8, IotlbPolicy.RANDOM, seed));
        List<IotlbEntry> victims = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            for (IotlbEvent e : shard.fill(s1(0, 1, (long) i << 12))) {
                if (e instanceof IotlbEvent.Filled f && f.victim() != null) {
                    victims.add(f.victim());
                }
            }
        }
        assertEquals(56, victims.size());
        return victims;
    }

    @Test
    void randomIsDeterministicForASeedAndDiffersAcrossSeeds() {
        assertEquals(randomVictims(1), randomVictims(1));
        Set<List<IotlbEntry>> sequences = new HashSet<>();
        for (long seed = 0; seed < 8; seed++) {
            sequences.add(randomVictims(seed));
        }
        assertEquals(8, sequences.size(), "eight seeds, eight different victim sequences");
    }

    @Test
    void randomIsNotFifoAndItsGeneratorAdvancesOnlyOnEviction() {
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(8, IotlbPolicy.RANDOM, 3));
        long start = shard.rngState();
        for (int i = 0; i < 8; i++) {
            shard.fill(s1(0, 1, (long) i << 12));
        }
        assertEquals(start, shard.rngState(), "no eviction yet");
        Set<Long> evictedPositions = new HashSet<>();
        for (int i = 8; i < 40; i++) {
            List<IotlbEntry> before = shard.entries();
            IotlbEvent.Filled f = (IotlbEvent.Filled) shard.fill(s1(0, 1, (long) i << 12)).get(0);
            evictedPositions.add((long) before.indexOf(f.victim()));
        }
        assertNotEquals(start, shard.rngState());
        assertTrue(evictedPositions.size() > 1, "victims come from several positions, not always the oldest");
    }

    @ParameterizedTest
    @EnumSource(IotlbPolicy.class)
    void aFillOfACachedSlotReplacesItWithoutEvictingEvenWhenFull(IotlbPolicy policy) {
        IotlbShard shard = shard(3, policy);
        shard.fill(a);
        shard.fill(b);
        shard.fill(c);
        IotlbEntry newA = IotlbEntry.stage1(0, 1, 0x1000, a.granule(), 3, 0x7_0000_0000L, new org.iommusim.protocol.translate.Perms(true, false, false, false));
        assertEquals(List.of(IotlbEvent.Filled.withoutEviction(newA)), shard.fill(newA));
        assertEquals(List.of(b, c, newA), shard.entries(), "a re-fill is a fill: newest end under every policy");
        assertEquals(0x7_0000_0234L, shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0x1234).orElseThrow().translate(0x1234));
        assertEquals(0, shard.stats().evictions());
        assertEquals(0, shard.stats().flushes());
    }

    @ParameterizedTest
    @EnumSource(IotlbPolicy.class)
    void neverHoldsMoreThanItsCapacity(IotlbPolicy policy) {
        IotlbShard shard = shard(5, policy);
        for (int i = 0; i < 100; i++) {
            shard.fill(s1(0, i % 3, (long) (i * 7 % 23) << 12));
            assertTrue(shard.size() <= 5);
        }
    }
}
