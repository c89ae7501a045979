package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Samples recorded out of order come out in time order, none lost, whatever the order they came in. */
class TimeOrderTest {

    @RepeatedTest(20)
    void whatAnOverlappingSchedulerRecordsComesOutSorted(org.junit.jupiter.api.RepetitionInfo info) {
        Random rnd = new Random(info.getCurrentRepetition());
        List<long[]> out = new ArrayList<>();
        TimeOrder<Long> order = new TimeOrder<>((t, v) -> out.add(new long[] {t, v}), 1 << 16);
        // steps start in time order; each records samples at or after its start, up to a few µs ahead
        long start = 0;
        int recorded = 0;
        for (int step = 0; step < 2_000; step++) {
            start += rnd.nextInt(500);
            order.settle(start);
            for (int k = rnd.nextInt(5); k > 0; k--) {
                long t = start + rnd.nextInt(5_000);
                order.add(t, t);
                recorded++;
            }
            assertTrue(order.held() < 100, "only the events in flight are held: " + order.held());
        }
        order.settleAll();
        assertEquals(recorded, out.size());
        for (int i = 1; i < out.size(); i++) {
            assertTrue(out.get(i - 1)[0] <= out.get(i)[0], "out of order at " + i);
        }
        for (long[] o : out) {
            assertEquals(o[1], o[0], "a sample keeps its own time when the scheduler's bound holds");
        }
    }

    @Test
    void beyondItsBoundItReleasesTheOldestAndNeverGoesBack() {
        List<Long> times = new ArrayList<>();
        TimeOrder<String> order = new TimeOrder<>((t, v) -> times.add(t), 4);
        for (long t : new long[] {50, 40, 30, 20, 10, 60, 5}) {
            order.add(t, "x");
        }
        order.settleAll();
        assertEquals(7, times.size());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i - 1) <= times.get(i), times.toString());
        }
    }
}
