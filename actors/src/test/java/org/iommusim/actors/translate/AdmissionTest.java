package org.iommusim.actors.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void beyondTheLimitWorkWaitsInOrderAndGoesAsUnitsComplete() {
        Admission a = new Admission(3);
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            a.admit(() -> sent.add(n));
        }
        assertEquals(List.of(0, 1, 2), sent);
        assertEquals(3, a.inFlight());
        assertEquals(7, a.waiting());
        a.release();
        assertEquals(List.of(0, 1, 2, 3), sent);
        for (int i = 0; i < 9; i++) {
            a.release();
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), sent);
        assertEquals(0, a.inFlight());
        assertEquals(0, a.waiting());
    }

    /** One submitter's units go out in the order it admitted them, however completions interleave. */
    @Test
    void oneSubmittersUnitsGoOutInOrderWhileOthersComplete() throws Exception {
        Admission a = new Admission(4);
        ConcurrentLinkedQueue<Integer> sent = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> outstanding = new ConcurrentLinkedQueue<>();
        int n = 100_000;
        Thread completer = new Thread(() -> {
            for (int done = 0; done < n; ) {
                if (outstanding.poll() != null) {
                    a.release();
                    done++;
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        completer.start();
        for (int i = 0; i < n; i++) {
            int unit = i;
            a.admit(() -> {
                sent.add(unit);
                outstanding.add(unit);
            });
        }
        completer.join(60_000);
        int expected = 0;
        for (int unit : sent) {
            assertEquals(expected++, unit, "sent out of order");
        }
        assertEquals(n, expected);
    }

    /**
     * Many threads admitting and completing at once (completions on other
     * threads, as workers complete units): every unit is sent exactly once
     * and no more than the limit are ever out together.
     */
    @Test
    void underConcurrencyEveryUnitGoesOnceAndTheLimitHolds() throws Exception {
        int limit = 8;
        Admission a = new Admission(limit);
        AtomicInteger out = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        ConcurrentLinkedQueue<Integer> outstanding = new ConcurrentLinkedQueue<>();
        int producers = 4;
        int each = 50_000;
        CountDownLatch produced = new CountDownLatch(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    a.admit(() -> {
                        int now = out.incrementAndGet();
                        most.accumulateAndGet(now, Math::max);
                        sent.incrementAndGet();
                        outstanding.add(1);
                    });
                }
                produced.countDown();
            }));
        }
        Thread completer = new Thread(() -> {
            int completed = 0;
            while (completed < producers * each) {
                if (outstanding.poll() != null) {
                    out.decrementAndGet();
                    a.release();
                    completed++;
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        threads.forEach(Thread::start);
        completer.start();
        produced.await();
        completer.join(60_000);
        assertEquals(producers * each, sent.get());
        assertTrue(most.get() <= limit, "at most " + limit + " out at once, saw " + most.get());
        assertEquals(0, a.inFlight());
        assertEquals(0, a.waiting());
    }
}
