package org.iommusim.persistence.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotPoolTest {

    @Test
    void theRequestBeyondTheSlotCountWaitsForTheFirstToEnd() {
        SlotPool walks = new SlotPool(16);
        for (int i = 0; i < 16; i++) {
            assertEquals(1_000, walks.acquire(1_000, 300), "slot " + i + " is free");
        }
        assertEquals(1_300, walks.acquire(1_000, 300), "the 17th waits until a walk ends");
        assertEquals(1, walks.waits());
        assertEquals(300, walks.waitedNs());
    }

    /**
     * A device step placed first may run ahead in virtual time: its sequential
     * requests reuse one slot, so another device asking at an earlier time finds
     * the other slots free rather than waiting for the first device's future.
     */
    @Test
    void sequentialRequestsAheadInTimeDoNotBlockAnEarlierRequest() {
        SlotPool translations = new SlotPool(64);
        for (long t = 0; t < 1_000_000; t += 1_000) {
            assertEquals(t, translations.acquire(t, 10));
        }
        assertEquals(5_000, translations.acquire(5_000, 10), "free at 5 us: no reservation covers it");
        assertEquals(0, translations.waits());
    }

    /** Whatever the order of arrival, no instant has more requests holding slots than there are slots. */
    @Test
    void neverMoreHoldersThanSlots() {
        Random rnd = new Random(7);
        for (int round = 0; round < 50; round++) {
            int slots = 1 + rnd.nextInt(8);
            SlotPool pool = new SlotPool(slots);
            List<long[]> held = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long at = rnd.nextInt(5_000);
                long hold = 1 + rnd.nextInt(300);
                long start = pool.acquire(at, hold);
                assertTrue(start >= at);
                held.add(new long[] {start, start + hold});
            }
            for (long[] h : held) {
                long t = h[0];
                long overlapping = held.stream().filter(o -> o[0] <= t && t < o[1]).count();
                assertTrue(overlapping <= slots, overlapping + " holders at t=" + t + " with " + slots + " slots");
            }
        }
    }
}
