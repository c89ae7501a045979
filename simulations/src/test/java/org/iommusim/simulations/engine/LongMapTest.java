package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LongMap} and {@link LongSet} answer as {@code HashMap<Long, V>} and {@code HashSet<Long>} do through random
 * puts and removes over a small key range (long probe runs, removals in the middle of runs that wrap around the
 * table, the key 0, growth), checked after every step.
 */
class LongMapTest {

    @Test
    void answersAsAHashMapDoes() {
        Random rnd = new Random(11);
        for (int round = 0; round < 20; round++) {
            LongMap<Integer> map = new LongMap<>(4);
            Map<Long, Integer> reference = new HashMap<>();
            List<Long> keys = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                // colliding keys: multiples of a large power of two share their low bits
                keys.add(rnd.nextInt(4) == 0 ? 0L : (long) rnd.nextInt(1 << 10) << (rnd.nextBoolean() ? 40 : 0));
            }
            for (int step = 0; step < 5000; step++) {
                long k = keys.get(rnd.nextInt(keys.size()));
                switch (rnd.nextInt(3)) {
                    case 0 -> assertEquals(reference.put(k, step), map.put(k, step), "put " + k);
                    case 1 -> assertEquals(reference.remove(k), map.remove(k), "remove " + k);
                    default -> assertEquals(reference.get(k), map.get(k), "get " + k);
                }
                assertEquals(reference.size(), map.size());
                if (step % 97 == 0) {
                    for (long key : keys) {
                        assertEquals(reference.get(key), map.get(key), "after step " + step + ": " + key);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new LongMap<String>().put(1, null));
    }

    @Test
    void aSetAnswersAsAHashSetDoes() {
        Random rnd = new Random(5);
        LongSet set = new LongSet();
        java.util.Set<Long> reference = new java.util.HashSet<>();
        for (int step = 0; step < 20000; step++) {
            long v = rnd.nextInt(300);
            if (rnd.nextBoolean()) {
                assertEquals(reference.add(v), set.add(v));
            } else {
                assertEquals(reference.remove(v), set.remove(v));
            }
            assertEquals(reference.size(), set.size());
            assertEquals(reference.contains(v), set.contains(v));
        }
    }
}
