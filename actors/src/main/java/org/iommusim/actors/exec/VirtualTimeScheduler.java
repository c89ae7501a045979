package org.iommusim.actors.exec;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko's scheduler for a deterministic ActorSystem
 * ({@code pekko.scheduler.implementation}): every timer (typed timers, ask
 * timeouts, persistence's recovery and circuit-breaker timers, dispatcher
 * shutdown) is armed on the {@link VirtualTimers} of the
 * {@link DeterministicRuntime} named by the system's configuration, and fires
 * only when the driver advances virtual time. It starts no thread and reads
 * no clock (the ThreadFactory Pekko passes is not used).
 *
 * <p>A due task runs on the runtime's executor, not on the
 * ExecutionContext the caller named: in a deterministic system every
 * execution context is that executor anyway, and Pekko's own timers name
 * the calling-thread context, which here is the driver's thread too.
 * Modelled on pekko-testkit's {@code ExplicitlyTriggeredScheduler}.
 */
public final class VirtualTimeScheduler implements Scheduler, Closeable {
    private final DeterministicRuntime runtime;
    private final VirtualTimers timers;

    /** The constructor Pekko calls ({@code ActorSystemImpl.createScheduler}). */
    public VirtualTimeScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
        this.runtime = RuntimeRegistry.lookup(config);
        this.timers = runtime.timers();
        runtime.attachScheduler(this);
    }

    @Override
    public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
        return cancellable(timers.schedule(delay.toNanos(), 0, runnable));
    }

    @Override
    public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable,
            ExecutionContext executor) {
        long period = interval.toNanos();
        if (period <= 0) {
            throw new IllegalArgumentException("a repeated task needs a positive interval, got " + interval);
        }
        return cancellable(timers.schedule(initialDelay.toNanos(), period, runnable));
    }

    /** Nanosecond resolution: the virtual clock has no tick. */
    @Override
    public double maxFrequency() {
        return 1.0e9;
    }

    /** Virtual nanoseconds since the start. */
    public long nowNanos() {
        return timers.nowNanos();
    }

    /**
     * Called by Pekko once the system has terminated: the clock closes and
     * the tasks of timers still armed are queued on the executor, as Pekko's
     * contract for a closeable scheduler asks ({@code createScheduler}).
     */
    @Override
    public void close() {
        for (Runnable r : timers.close()) {
            runtime.executor().execute(r);
        }
    }

    private static Cancellable cancellable(VirtualTimers.Timer t) {
        return new Cancellable() {
            @Override
            public boolean cancel() {
                return t.cancel();
            }

            @Override
            public boolean isCancelled() {
                return t.isCancelled();
            }
        };
    }
}
