package org.iommusim.simulations.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.translate.ShardTranslator;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.internal.BurstSlots;

/**
 * What bounds a burst split between two shards on this machine (a split by
 * page, as the pool did before TBUs; it now splits by TBU only), measured
 * without the model's actors: two bare threads, each owning a shard and
 * spinning on its own queue, translate their halves of each burst with the
 * pool's own code ({@link ShardTranslator}, the same slots) and the last one
 * submits the burst again, as the event-driven device does. Whatever this
 * reaches, no implementation of per-page sharding over two cores can beat by
 * much: each half's requests and answers must cross cores, and the halves
 * must meet.
 */
final class BareSplit {
    private static final long IOVA = 0x10_0000_0000L;
    private static final long PA = 0x2_0000_0000L;

    private BareSplit() {}

    private record Part(Burst burst, int from, int to) {}

    private static final class Burst extends AtomicInteger {
        final TranslationBurst requests;

        Burst(List<TranslationRequest> rs) {
            requests = new TranslationBurst(rs.size());
            rs.forEach(requests::add);
        }
    }

    /** Translates {@code bursts} bursts of {@code requests}, {@code window} in flight, on two threads. */
    static long run(List<TranslationRequest> requests, int window, int bursts) throws InterruptedException {
        HitPathFixture model = HitPathFixture.stage1Block(IOVA, PA);
        ConfigCache config = model.config();
        List<ConcurrentLinkedQueue<Part>> queues = List.of(new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
        AtomicInteger toSubmit = new AtomicInteger(bursts);
        AtomicInteger completed = new AtomicInteger();
        AtomicLong hits = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[2];
        for (int w = 0; w < 2; w++) {
            int me = w;
            threads[w] = new Thread(() -> {
                IotlbShard shard = IotlbShard.empty(new IotlbConfig(2048, IotlbPolicy.LRU, 1));
                ShardTranslator translator = model.translator();
                List<SmmuEvent> faults = new ArrayList<>();
                try {
                    while (completed.get() < bursts) {
                        Part p = queues.get(me).poll();
                        if (p == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        translator.translate(p.burst().requests, p.from(), p.to(), config, shard, faults);
                        if (!faults.isEmpty()) {
                            throw new IllegalStateException("a bare-split translation faulted: " + faults.get(0));
                        }
                        if (p.burst().decrementAndGet() == 0) {
                            BurstSlots.markCompleted(p.burst().requests);
                            completed.incrementAndGet();
                            if (toSubmit.getAndDecrement() > 0) {
                                submit(p.burst(), queues);
                            }
                        }
                    }
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                    completed.set(bursts); // and the other thread stops too
                }
                hits.addAndGet(shard.stats().hits() + shard.stats().misses());
            }, "bare-split-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
        for (int i = 0; i < window && toSubmit.getAndDecrement() > 0; i++) {
            submit(new Burst(requests), queues);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the bare split failed", failure.get());
        }
        // every request of every burst was looked up (the first of each page in each shard missed, then filled)
        if (hits.get() != (long) bursts * requests.size()) {
            throw new IllegalStateException("the bare split looked up " + hits.get() + " of "
                    + (long) bursts * requests.size() + " requests");
        }
        return bursts;
    }

    private static void submit(Burst b, List<ConcurrentLinkedQueue<Part>> queues) {
        TranslationBurst r = b.requests;
        byte[] lanes = new byte[r.size()];
        long used = 0;
        for (int i = 0; i < r.size(); i++) {
            lanes[i] = (byte) ((r.iova(i) >>> 12) & 1); // by page parity: the model no longer splits a stream
            used |= 1L << lanes[i];
        }
        int[] start = BurstSlots.markSubmitted(r, lanes, 2);
        b.set(Long.bitCount(used));
        for (long p = used; p != 0; p &= p - 1) {
            int w = Long.numberOfTrailingZeros(p);
            queues.get(w).add(new Part(b, start[w], start[w + 1]));
        }
    }
}
