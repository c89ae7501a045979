package org.iommusim.actors.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bucket table is only a shortcut: every (stream, page) meets the shard the binary search names. */
class HashRingTest {

    @Test
    void bucketLookupsAgreeWithTheBinarySearchForEveryPoolSize() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int workers : new int[] {1, 2, 3, 4, 7, 16, 64}) {
            HashRing ring = new HashRing(workers);
            int[] perWorker = new int[workers];
            for (int n = 0; n < 200_000; n++) {
                int sid = rnd.nextInt(1 << 20);
                long iova = rnd.nextLong() & ((1L << 52) - 1);
                int w = ring.indexFor(sid, iova);
                assertEquals(ring.indexBySearch(sid, iova), w, "sid " + sid + " iova 0x" + Long.toHexString(iova));
                assertEquals(w, ring.indexFor(sid, iova + 0xFFF - (iova & 0xFFF)), "one page, one shard");
                perWorker[w]++;
            }
            for (int count : perWorker) {
                // 64 virtual nodes a worker spread unevenly (7 workers: one gets a third of its share)
                assertTrue(count > 200_000 / workers / 5, workers + " workers, each gets a share: " + count);
            }
        }
    }

    @Test
    void consecutivePagesOfOneStreamSpreadOverTheShards() {
        HashRing ring = new HashRing(2);
        int first = 0;
        for (int p = 0; p < 64; p++) {
            first += ring.indexFor(1, 0x10_0000_0000L + p * 4096L) == 0 ? 1 : 0;
        }
        assertTrue(first > 8 && first < 56, "64 pages, " + first + " on shard 0");
    }
}
