package org.iommusim.persistence.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iommusim.persistence.translate.Outcome;
import org.junit.jupiter.api.Test;

class SmmuTimingTest {
    private static final TranslationTiming COSTS = TranslationTiming.defaults();

    private static SmmuTiming smmu() {
        return new SmmuTiming(COSTS, CommandCosts.defaults(), CmdqCosts.defaults(), 1);
    }

    @Test
    void aWalkCostsTheDescriptorsItReadTimesTheMemoryLatency() {
        for (int reads : new int[] {1, 2, 4, 8, 24}) {
            SmmuTiming.Translation t = smmu().translate(1_000, Outcome.Path.MISS, reads);
            assertEquals(COSTS.hit() + 2 * COSTS.linkNs() + COSTS.missNs() + reads * COSTS.memoryReadNs(), t.latency(),
                    reads + " reads");
        }
        // a walk-cache hit means fewer reads, so less time; the four-read miss is pcie-bench's 280 ns
        assertTrue(COSTS.walk(1) < COSTS.walk(4));
        assertEquals(280, COSTS.miss(4));
        assertEquals(COSTS.hit(), smmu().translate(5, Outcome.Path.HIT, 0).latency());
    }

    @Test
    void walksQueueForTheWalkSlotsAndHitsForNothing() {
        SmmuTiming s = smmu();
        long miss = COSTS.miss(4);
        for (int i = 0; i < COSTS.walkSlots(); i++) {
            assertEquals(COSTS.hit() + miss, s.translate(0, Outcome.Path.MISS, 4).latency());
        }
        // the 17th walk in flight waits for the first walk slot to come free, holding its link slot meanwhile
        assertEquals(COSTS.hit() + miss + COSTS.walk(4), s.translate(0, Outcome.Path.MISS, 4).latency());
        assertEquals(1, s.walkSlots().waits());
        assertEquals(0, s.translationSlots().waits(), "64 outstanding requests: the link is not what binds here");
        // a hit is answered in its TBU: it takes no slot of the SMMU's, however many are in flight
        SmmuTiming hits = smmu();
        for (int i = 0; i < 10 * COSTS.translationSlots(); i++) {
            assertEquals(COSTS.hit(), hits.translate(0, Outcome.Path.HIT, 0).latency());
        }
        assertEquals(0, hits.translationSlots().waits());
        assertThrows(IllegalArgumentException.class, () -> new TranslationTiming(1, 1, 1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TranslationTiming(1, -1, 1, 1, 1, 1));
    }
}
