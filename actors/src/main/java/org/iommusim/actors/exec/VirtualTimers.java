package org.iommusim.actors.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A virtual clock and the timers waiting on it. Time is a count of
 * nanoseconds that moves only when the driver moves it; a timer is due when
 * the clock reaches its time, and due timers are taken in (time, order of
 * arming) order, so two timers for the same instant fire in the order they
 * were set. Nothing here reads the wall clock or runs anything: the
 * {@link DeterministicRuntime} takes due timers and queues their tasks on
 * its executor.
 */
public final class VirtualTimers {
    /** One armed timer; periodic ones are re-armed (with a new order) each time they are taken. */
    public final class Timer {
        private long due;
        private long order;
        private final long periodNanos;
        private final Runnable task;
        private boolean cancelled;
        private boolean armed;

        private Timer(long due, long periodNanos, Runnable task) {
            this.due = due;
            this.periodNanos = periodNanos;
            this.task = task;
        }

        /** Cancels it; true if it was still armed (it will not fire again). */
        public boolean cancel() {
            synchronized (VirtualTimers.this) {
                boolean wasArmed = armed;
                cancelled = true;
                if (armed) {
                    queue.remove(this);
                    armed = false;
                }
                return wasArmed;
            }
        }

        public boolean isCancelled() {
            synchronized (VirtualTimers.this) {
                return cancelled;
            }
        }
    }

    private final TreeSet<Timer> queue = new TreeSet<>(
            Comparator.<Timer>comparingLong(t -> t.due).thenComparingLong(t -> t.order));
    private long now;
    private long nextOrder;
    private boolean closed;

    /** Virtual nanoseconds since the start. */
    public synchronized long nowNanos() {
        return now;
    }

    /**
     * Arms {@code task} to be due {@code delayNanos} from now (at once when
     * not positive), then every {@code periodNanos} if that is positive.
     * Throws IllegalStateException caused by Pekko's SchedulerException once
     * closed, as Pekko's own scheduler does after shutdown: its periodic
     * tasks, run one last time on close, try to re-arm themselves and take
     * exactly that as the end (anything else would be logged as a failure).
     */
    public synchronized Timer schedule(long delayNanos, long periodNanos, Runnable task) {
        if (closed) {
            String why = "the virtual clock is closed (its ActorSystem has terminated)";
            throw new IllegalStateException(why, org.apache.pekko.actor.SchedulerException.apply(why));
        }
        long due = delayNanos <= 0 ? now : saturatedAdd(now, delayNanos);
        Timer t = new Timer(due, periodNanos, task);
        arm(t);
        return t;
    }

    /** When the earliest armed timer is due, if any. */
    public synchronized OptionalLong nextDueNanos() {
        return queue.isEmpty() ? OptionalLong.empty() : OptionalLong.of(queue.first().due);
    }

    /** Timers armed and not yet taken. */
    public synchronized int pending() {
        return queue.size();
    }

    /**
     * Takes the earliest timer due at or before {@code limit}: the clock moves
     * to its time (never back), a periodic one is re-armed, and its task is
     * returned to be run; null if none is due by then.
     */
    synchronized Runnable takeDue(long limit) {
        if (queue.isEmpty() || queue.first().due > limit) {
            return null;
        }
        Timer t = queue.pollFirst();
        t.armed = false;
        now = Math.max(now, t.due);
        if (t.periodNanos > 0 && !t.cancelled) {
            t.due = saturatedAdd(t.due, t.periodNanos);
            arm(t);
        }
        return t.task;
    }

    /** Moves the clock to {@code nanos}; refuses to move it back. */
    synchronized void moveTo(long nanos) {
        if (nanos < now) {
            throw new IllegalArgumentException("virtual time only moves forward: it is " + now + " ns, asked for "
                    + nanos + " ns");
        }
        now = nanos;
    }

    /**
     * Closes the clock: no timer may be armed any more; returns the tasks of
     * every timer still armed, earliest first (Pekko's scheduler contract:
     * outstanding tasks are run on close).
     */
    synchronized List<Runnable> close() {
        closed = true;
        List<Runnable> left = new ArrayList<>(queue.size());
        for (Timer t : queue) {
            t.armed = false;
            left.add(t.task);
        }
        queue.clear();
        return left;
    }

    private void arm(Timer t) {
        t.order = nextOrder++;
        t.armed = true;
        queue.add(t);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
