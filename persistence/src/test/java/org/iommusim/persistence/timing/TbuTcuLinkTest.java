package org.iommusim.persistence.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.iommusim.persistence.translate.Outcome;
import org.junit.jupiter.api.Test;

class TbuTcuLinkTest {
    private static final int READS = 4;

    /** An SMMU whose link takes {@code outstanding} requests at once, {@code linkNs} a crossing, and 64 walk slots. */
    private static SmmuTiming smmu(long linkNs, int outstanding) {
        return new SmmuTiming(new TranslationTiming(10, linkNs, 44, 55, outstanding, 64), CommandCosts.defaults(),
                CmdqCosts.defaults(), 1);
    }

    /**
     * K misses arrive at once from several TBUs (the link into the TCU is
     * shared by all of them) through a link of N outstanding requests: the
     * i-th (in order of arrival) waits for i / N requests ahead of it on its
     * slot, each holding it for the round trip and the walk.
     */
    @Test
    void missesArrivingAtOnceQueueForTheLinkAsPredicted() {
        for (int n : new int[] {1, 4, 16}) {
            for (int k : new int[] {n, 3 * n, 5 * n + 2}) {
                SmmuTiming s = smmu(8, n);
                TranslationTiming c = s.translationCosts();
                long hold = c.miss(READS); // the slot is held from the sending until the answer is back
                long waited = 0;
                for (int i = 0; i < k; i++) {
                    SmmuTiming.Translation t = s.translate(0, Outcome.Path.MISS, READS);
                    long wait = (long) (i / n) * hold;
                    assertEquals(c.hit() + wait + hold, t.latency(), "miss " + i + " of " + k + ", N=" + n);
                    assertEquals(wait, t.linkWaitNs(), "its wait for the link, miss " + i);
                    waited += wait;
                }
                assertEquals(Math.max(0, k - n), s.translationSlots().waits(), "K=" + k + " N=" + n);
                assertEquals(waited, s.translationSlots().waitedNs());
                assertEquals(0, s.walkSlots().waits(), "the walk slots never bind here: the link does");
            }
        }
    }

    /** Misses arriving after the link has drained do not wait: the queueing is the burst's, not a backlog. */
    @Test
    void aMissAfterTheBurstHasDrainedDoesNotWait() {
        SmmuTiming s = smmu(8, 2);
        long hold = s.translationCosts().miss(READS);
        for (int i = 0; i < 6; i++) {
            s.translate(0, Outcome.Path.MISS, READS);
        }
        long drained = s.translationCosts().hit() + 3 * hold;
        SmmuTiming.Translation late = s.translate(drained, Outcome.Path.MISS, READS);
        assertEquals(0, late.linkWaitNs());
        assertEquals(s.translationCosts().hit() + hold, late.latency());
    }

    @Test
    void theLinkIsChargedOnAMissAndNotOnAHit() {
        long withoutLink = smmu(0, 64).translate(100, Outcome.Path.MISS, READS).latency();
        for (long link : new long[] {0, 8, 100, 1_000}) {
            SmmuTiming s = smmu(link, 64);
            assertEquals(10, s.translate(100, Outcome.Path.HIT, 0).latency(), "a hit never crosses, link " + link);
            assertEquals(10, s.translate(100, Outcome.Path.CONFIG, 0).latency(), "nor does a configuration answer");
            assertEquals(withoutLink + 2 * link, s.translate(100, Outcome.Path.MISS, READS).latency(),
                    "a miss crosses twice, link " + link);
        }
        // with the defaults a four-read miss still costs pcie-bench's 280 ns after the lookup
        TranslationTiming d = TranslationTiming.defaults();
        assertEquals(280, d.miss(4));
        assertEquals(d.hit() + 280, new SmmuTiming(d, CommandCosts.defaults(), CmdqCosts.defaults(), 1)
                .translate(0, Outcome.Path.MISS, 4).latency());
    }

    @Test
    void theRoundTripHoldsTheSlotUntilTheAnswerIsBack() {
        TbuTcuLink link = new TbuTcuLink(5, 1);
        assertEquals(5 + 100 + 5, link.roundTrip(0, arrival -> arrival + 100));
        // the one slot is busy until 110: the next request leaves then, whatever the TCU does
        assertEquals(110 + 5 + 7 + 5, link.roundTrip(50, arrival -> arrival + 7));
        assertEquals(60, link.outstanding().waitedNs());
        assertThrows(IllegalStateException.class, () -> link.roundTrip(1_000, arrival -> arrival - 1));
        assertThrows(IllegalArgumentException.class, () -> new TbuTcuLink(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TbuTcuLink(1, 0));
    }
}
