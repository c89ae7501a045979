package org.iommusim.simulations.engine;

import java.util.PriorityQueue;

/**
 * Puts what a run records back in time order. Devices overlap in virtual
 * time (a device of weight w runs w operations at once, and one step's
 * clock runs ahead of the next step's start), so samples arrive a little out
 * of order; a chart or a trace needs them sorted. The deterministic
 * scheduler takes events in order of their start, so nothing recorded later
 * can be earlier than the start of the event it is running: {@link #settle}
 * at that start releases everything before it, in order, and what is held
 * stays within the events in flight. Concurrent runs have no such bound;
 * there the oldest sample is released once {@code bound} are held, never
 * earlier than the last one released.
 */
final class TimeOrder<T> {
    /** Where samples go, in non-decreasing time. */
    interface Sink<T> {
        void accept(long t, T value);
    }

    private record Item<T>(long t, long seq, T value) {}

    // by time, then by arrival (one comparison, no chain of key extractors: it runs several times per record)
    private final PriorityQueue<Item<T>> pending = new PriorityQueue<>((a, b) -> a.t != b.t
            ? Long.compare(a.t, b.t) : Long.compare(a.seq, b.seq));
    private final Sink<T> sink;
    private final int bound;
    private long seq;
    private long released = Long.MIN_VALUE;

    TimeOrder(Sink<T> sink, int bound) {
        this.sink = sink;
        this.bound = bound;
    }

    void add(long t, T value) {
        pending.add(new Item<>(t, seq++, value));
        while (pending.size() > bound) {
            releaseOne();
        }
    }

    /** Releases, in order, every sample at or before {@code until}: nothing earlier can come any more. */
    void settle(long until) {
        while (!pending.isEmpty() && pending.peek().t <= until) {
            releaseOne();
        }
    }

    /** Releases everything held: the run is over. */
    void settleAll() {
        while (!pending.isEmpty()) {
            releaseOne();
        }
    }

    int held() {
        return pending.size();
    }

    private void releaseOne() {
        Item<T> i = pending.poll();
        long t = Math.max(i.t, released);
        released = t;
        sink.accept(t, i.value);
    }
}
