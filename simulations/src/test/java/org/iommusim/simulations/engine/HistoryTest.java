package org.iommusim.simulations.engine;

import static org.iommusim.simulations.engine.Mappings.map;
import static org.iommusim.simulations.engine.Mappings.release;
import static org.iommusim.simulations.engine.Mappings.skipSync;
import static org.iommusim.simulations.engine.Mappings.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.iommusim.protocol.domain.DomainId;
import org.junit.jupiter.api.Test;

/** The history's index (what covers an address, newest first) and what it keeps and forgets. */
class HistoryTest {
    private static final DomainId D1 = DomainId.of(1);
    private static final DomainId D2 = DomainId.of(2);

    @Test
    void unmapsReportedToTheHistoryChangeNoAnswerOfMappedAt() {
        History h = new History(Long.MAX_VALUE);
        List<MapRecord> all = new ArrayList<>();
        Random rnd = new Random(11);
        for (int i = 0; i < 4000; i++) {
            int slot = rnd.nextInt(64);
            long iova = 0x1_0000_0000L + slot * 2048L; // 2K buffers: two share a page's bucket
            MapRecord r = map(h, D1, iova, rnd.nextInt(10) != 0 ? 2048 : 3 * 4096, i, i);
            all.add(r);
            if (slot < 8 && rnd.nextInt(20) == 0) {
                continue; // a few stay mapped, in the first pages only
            }
            unmap(r, i + rnd.nextInt(300)); // unmapped at a time after its neighbours' maps
            if (slot >= 4 || rnd.nextBoolean()) {
                h.unmapped(r); // reported, as the driver does; some of the first pages' are not
                h.unmapped(r); // a second report changes nothing
            }
        }
        List<long[]> asked = new ArrayList<>();
        for (int q = 0; q < 6000; q++) {
            asked.add(new long[] {0x1_0000_0000L + rnd.nextInt(64 * 2048 + 8192), rnd.nextInt(6000)});
        }
        for (MapRecord r : all) { // each unmap's edges: the last moment mapped and the first not
            if (r.unmapAt != Long.MAX_VALUE) {
                asked.add(new long[] {r.iova + r.size - 1, r.unmapAt - 1});
                asked.add(new long[] {r.iova, r.unmapAt});
            }
        }
        int none = 0;
        for (long[] a : asked) {
            long address = a[0];
            long t = a[1];
            MapRecord expected = null;
            for (int i = all.size() - 1; i >= 0 && expected == null; i--) {
                if (all.get(i).covers(address) && all.get(i).mappedAt(t)) {
                    expected = all.get(i);
                }
            }
            none += expected == null ? 1 : 0;
            assertSame(expected, h.mappedAt(D1, address, t), "mapped at " + t + ", address 0x"
                    + Long.toHexString(address));
        }
        assertTrue(none > asked.size() / 10 && none < asked.size() * 9 / 10,
                "both answers asked about: " + none + " of " + asked.size() + " unmapped");
    }

    @Test
    void lookupsAnswerWhatAScanOfEveryRecordWouldNewestFirst() {
        History h = new History(Long.MAX_VALUE);
        List<MapRecord> all = new ArrayList<>();
        Random rnd = new Random(5);
        long[] sizes = {4096, 8192, 3 * 4096, 64 << 10, 2 << 20, 1L << 30};
        for (int i = 0; i < 3000; i++) {
            DomainId d = rnd.nextBoolean() ? D1 : D2;
            long iova = 0x1_0000_0000L + rnd.nextInt(1 << 14) * 4096L;
            MapRecord r = map(h, d, iova, sizes[rnd.nextInt(sizes.length)], rnd.nextLong() & ~0xfffL, i);
            all.add(r);
            if (rnd.nextInt(3) == 0) {
                unmap(r, i);
                release(r, i);
            }
        }
        for (int q = 0; q < 3000; q++) {
            DomainId d = rnd.nextBoolean() ? D1 : D2;
            long address = 0x1_0000_0000L + (rnd.nextLong() & ((1L << 27) - 1)) - (1 << 20);
            List<MapRecord> expected = new ArrayList<>();
            for (int i = all.size() - 1; i >= 0; i--) {
                if (all.get(i).domain.equals(d) && all.get(i).covers(address)) {
                    expected.add(all.get(i));
                }
            }
            List<MapRecord> got = h.covering(d, address);
            assertEquals(expected, new ArrayList<>(got), "address 0x" + Long.toHexString(address));
            assertSame(expected.isEmpty() ? null : expected.get(0), h.newestCovering(d, address),
                    "newest covering 0x" + Long.toHexString(address));
            // what the live tables give: the newest covering record mapped at t, the first of the view that is
            long t = rnd.nextInt(3000);
            MapRecord live = expected.stream().filter(m -> m.mappedAt(t)).findFirst().orElse(null);
            assertSame(live, h.mappedAt(d, address, t), "mapped at " + t + ", address 0x" + Long.toHexString(address));
            assertEquals(expected.size(), got.size());
            assertEquals(expected.isEmpty(), got.isEmpty());
        }
        assertTrue(h.covering(DomainId.of(9), 0x1_0000_0000L).isEmpty(), "a domain never mapped");
    }

    @Test
    void aLiveViewNeitherSkipsNorRepeatsWhenRecordsAreForgottenWhileItIsRead() {
        History h = new History(0);
        List<MapRecord> gens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            MapRecord r = map(h, D1, 0x4000, 4096, 0x10_0000L * i, i);
            unmap(r, i);
            gens.add(r);
        }
        var view = h.covering(D1, 0x4000);
        var it = view.iterator();
        assertSame(gens.get(5), it.next());
        release(gens.get(4), 10);
        release(gens.get(0), 10);
        map(h, D2, 0, 4096, 0, 20); // sweeps: forgets the released ones it looks at
        assertTrue(gens.get(4).forgotten || gens.get(0).forgotten, "the sweep forgot a released record");
        List<MapRecord> rest = new ArrayList<>();
        it.forEachRemaining(rest::add);
        List<MapRecord> expected = new ArrayList<>(List.of(gens.get(3), gens.get(2), gens.get(1)));
        if (!gens.get(0).forgotten) {
            expected.add(gens.get(0));
        }
        if (!gens.get(4).forgotten) {
            expected.add(0, gens.get(4));
        }
        assertEquals(expected, rest);
    }

    @Test
    void releasedMappingsAreForgottenAfterTheHorizonSoTheHistoryStaysTheSameSizeHoweverLongTheRun() {
        History h = new History(1_000);
        int[] retainedAt = new int[3];
        MapRecord[] slots = new MapRecord[64];
        int n = 0;
        for (int checkpoint = 0; checkpoint < 3; checkpoint++) {
            for (int end = (int) Math.pow(10, checkpoint + 3) * 2; n < end; n++) {
                long t = n * 100L;
                int slot = n % slots.length;
                if (slots[slot] != null) {
                    unmap(slots[slot], t);
                    release(slots[slot], t);
                }
                slots[slot] = map(h, D1, 0x10_0000L + slot * 4096L, 4096, 0x8000_0000L + n * 4096L, t);
            }
            retainedAt[checkpoint] = h.retained();
        }
        // 64 mapped, plus what was released in the last ~1,000 ns (10 steps), plus the sweep's lag
        for (int r : retainedAt) {
            assertTrue(r >= 64 && r < 64 + 100, "retained " + r);
        }
        assertEquals(n - h.retained(), h.forgotten(), "every record is either kept or forgotten");
        assertTrue(h.covering(D1, 0x10_0000L).size() <= 20, "old generations of a page are gone");
    }

    @Test
    void aReleasedMappingThatKeepsBeingUsedIsKept() {
        History h = new History(1_000);
        MapRecord used = map(h, D1, 0x1000, 4096, 0x9000, 0);
        unmap(used, 0);
        release(used, 0);
        for (int i = 1; i < 10_000; i++) {
            long t = i * 100L;
            used.lastUsedAt = t; // what the checker does for each translation returning it
            MapRecord r = map(h, D2, 0x1000, 4096, i * 4096L, t);
            unmap(r, t);
            release(r, t);
        }
        assertFalse(used.forgotten);
        assertEquals(List.of(used), h.covering(D1, 0x1000));
        long quietFrom = 10_000 * 100L;
        for (int i = 0; i < 1_000; i++) {
            map(h, D2, 0x2000, 4096, 0, quietFrom + 1_000 + i);
        }
        assertTrue(used.forgotten, "forgotten once unused for the horizon");
        assertTrue(h.covering(D1, 0x1000).isEmpty());
    }

    @Test
    void mappingsAwaitingTheirFlushAreKeptAndAbandonedFlushesLastTheHorizon() {
        History h = new History(1_000);
        MapRecord pending = map(h, D1, 0x1000, 4096, 0x9000, 0);
        unmap(pending, 0);
        MapRecord abandoned = map(h, D1, 0x3000, 4096, 0xa000, 0);
        unmap(abandoned, 0);
        skipSync(abandoned);
        for (int i = 1; i < 1_000; i++) {
            map(h, D2, 0x1000 + i * 4096L, 4096, 0, i * 1_000L);
        }
        assertFalse(pending.forgotten, "its flush may still come: uses are permitted, reuse is not");
        assertSame(pending, h.awaitingFlush(D1, 0x1000, 1_000_000));
        assertTrue(abandoned.forgotten, "skipped sync: remembered for the horizon after its unmap");
        assertNull(h.awaitingFlush(D1, 0x3000, 1_000_000));
    }

    @Test
    void awaitingFlushIsTheNewestUnmappedRecordNotReleasedAtThatTime() {
        History h = new History(Long.MAX_VALUE);
        MapRecord a = map(h, D1, 0x1000, 8192, 0x9000, 0);
        unmap(a, 10);
        assertNull(h.awaitingFlush(D1, 0x2000, 5), "still mapped at t=5");
        assertSame(a, h.awaitingFlush(D1, 0x2000, 10));
        release(a, 20);
        assertSame(a, h.awaitingFlush(D1, 0x1000, 15), "the flush completed later");
        assertNull(h.awaitingFlush(D1, 0x1000, 20));
        assertNull(h.awaitingFlush(D1, 0x3000, 30), "past its end");
    }

    @Test
    void aNegativeHorizonIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new History(-1));
        assertEquals(0, History.level(4096));
        assertEquals(1, History.level(4097));
        assertEquals(12, History.level(-1L), "the whole space");
    }
}
