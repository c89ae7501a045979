package org.iommusim.persistence.tcu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.iommusim.protocol.capability.CacheShape;
import org.junit.jupiter.api.Test;

/**
 * A cache's invalidation visits only the slots holding an entry (an
 * occupancy bitmap): it must remove what a scan of every slot would, in slot
 * order, through fills, replayed placements, evictions and clears.
 */
class SetAssociativeTest {

    @Test
    void invalidationRemovesWhatAScanOfEverySlotWouldInSlotOrder() {
        for (CacheShape shape : List.of(new CacheShape(348, 4), new CacheShape(64, 0), new CacheShape(130, 2),
                new CacheShape(4, 4))) {
            SetAssociative<Long> cache = new SetAssociative<>(shape);
            Long[] reference = new Long[shape.entries()];
            Random rnd = new Random(shape.entries());
            long invalidated = 0;
            int removedAtLeastOne = 0;
            for (int step = 0; step < 20_000; step++) {
                int op = rnd.nextInt(20);
                if (op < 12) {
                    long tag = rnd.nextInt(4 * shape.entries());
                    cache.fill(tag, tag);
                    reference[cache.lastSlot] = tag;
                } else if (op < 14) {
                    int slot = rnd.nextInt(shape.entries());
                    long tag = rnd.nextInt(4 * shape.entries());
                    cache.place(slot, tag);
                    reference[slot] = tag;
                } else if (op < 19) {
                    long mod = 2 + rnd.nextInt(9);
                    long rem = rnd.nextInt((int) mod);
                    List<Long> expected = new ArrayList<>();
                    for (int i = 0; i < reference.length; i++) {
                        if (reference[i] != null && reference[i] % mod == rem) {
                            expected.add(reference[i]);
                            reference[i] = null;
                        }
                    }
                    List<Long> removed = cache.invalidate(e -> e % mod == rem);
                    assertEquals(expected, removed, shape + ", step " + step);
                    invalidated += expected.size();
                    removedAtLeastOne += expected.isEmpty() ? 0 : 1;
                } else {
                    if (rnd.nextInt(10) == 0) {
                        cache.clear();
                        Arrays.fill(reference, null);
                    }
                }
                assertEquals(Arrays.stream(reference).filter(e -> e != null).count(), cache.size(), shape.toString());
            }
            for (int i = 0; i < reference.length; i++) {
                assertEquals(reference[i], cache.at(i), shape + ", slot " + i);
            }
            assertEquals(invalidated, cache.counters.invalidations, shape.toString());
            assertTrue(removedAtLeastOne > 100, shape + ": invalidations that removed something: " + removedAtLeastOne);
        }
    }

    @Test
    void anInvalidationOfAnEmptyCacheRemovesNothing() {
        SetAssociative<Long> cache = new SetAssociative<>(new CacheShape(92, 4));
        assertTrue(cache.invalidate(e -> true).isEmpty());
        cache.fill(7, 7L);
        cache.clear();
        assertTrue(cache.invalidate(e -> true).isEmpty());
        assertNull(cache.at(cache.lastSlot));
    }
}
