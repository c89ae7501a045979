package org.iommusim.actors.exec;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Drives one ActorSystem deterministically: every actor turn, journal write,
 * future callback and timer of that system runs on one
 * {@link CallerDrivenExecutor}, on the thread that calls this runtime, and
 * every timer waits on a {@link VirtualTimers} clock that moves only when
 * that thread moves it. Same inputs, same order of turns, same journal
 * bytes, on any host.
 *
 * <p>Typical use: {@link #createSystem}, then {@link #await} the replies of
 * what is sent to it (which runs the queue, and advances virtual time to the
 * next timer whenever the queue is empty), {@link #advanceTo} to let timers
 * fire, {@link #terminate} at the end. The {@code IommuSim} facade does all
 * of this for its blocking calls.
 *
 * <p>One runtime drives one system, from one thread at a time; it is not a
 * thread pool and must not be pumped from two threads at once.
 */
public final class DeterministicRuntime implements AutoCloseable {
    /** Messages an actor handles per turn when turns run in FIFO order. */
    public static final int FIFO_THROUGHPUT = 100;

    private final String id;
    private final CallerDrivenExecutor executor;
    private final VirtualTimers timers = new VirtualTimers();
    private final OptionalLong interleavingSeed;
    private final PumpingBlockContext blockContext = new PumpingBlockContext(this);
    private VirtualTimeScheduler scheduler;

    private DeterministicRuntime(OptionalLong interleavingSeed) {
        this.interleavingSeed = interleavingSeed;
        this.executor = interleavingSeed.isPresent() ? new CallerDrivenExecutor(interleavingSeed.getAsLong())
                : new CallerDrivenExecutor();
        this.id = RuntimeRegistry.register(this);
    }

    /** Turns run in the order they became ready. */
    public static DeterministicRuntime fifo() {
        return new DeterministicRuntime(OptionalLong.empty());
    }

    /**
     * A seeded choice among ready turns: each seed is one reproducible
     * interleaving of the actors' turns (one message per turn).
     */
    public static DeterministicRuntime interleaved(long seed) {
        return new DeterministicRuntime(OptionalLong.of(seed));
    }

    /** {@link #fifo} without a seed, {@link #interleaved} with one. */
    public static DeterministicRuntime create(OptionalLong interleavingSeed) {
        return new DeterministicRuntime(interleavingSeed);
    }

    /** The runtime driving {@code system}, if a runtime built it. */
    public static Optional<DeterministicRuntime> of(ActorSystem<?> system) {
        return RuntimeRegistry.find(system.settings().config());
    }

    /** This runtime's id, as the system's configuration names it. */
    public String id() {
        return id;
    }

    public OptionalLong interleavingSeed() {
        return interleavingSeed;
    }

    /** Messages per actor turn: 1 when a seed interleaves turns, {@link #FIFO_THROUGHPUT} otherwise. */
    public int throughput() {
        return interleavingSeed.isPresent() ? 1 : FIFO_THROUGHPUT;
    }

    /** The settings to layer over the application's configuration ({@link DeterministicConfig}). */
    public Config config() {
        return DeterministicConfig.overrides(id, throughput());
    }

    /**
     * Creates the ActorSystem this runtime drives, on the calling thread,
     * with {@link #config()} over {@code application}; runs until idle, so it
     * is started when this returns.
     */
    public <T> ActorSystem<T> createSystem(Behavior<T> guardian, String name, Config application) {
        Config config = config().withFallback(application);
        ActorSystem<T> system = call(() -> ActorSystem.create(guardian, name, config));
        runUntilIdle();
        return system;
    }

    /**
     * Runs {@code body} on the calling thread such that a Scala {@code Await}
     * in it (Pekko blocks so while a system starts) runs this runtime's queue
     * instead of blocking the only thread that could answer it.
     */
    public <T> T call(Supplier<T> body) {
        return blockContext.around(body::get);
    }

    public CallerDrivenExecutor executor() {
        return executor;
    }

    public VirtualTimers timers() {
        return timers;
    }

    /** Virtual nanoseconds since the system started. */
    public long nowNanos() {
        return timers.nowNanos();
    }

    /** When the earliest armed timer is due, if any. */
    public OptionalLong nextDueNanos() {
        return timers.nextDueNanos();
    }

    /**
     * Whether the model is at rest: nothing queued, no task running (so the
     * caller is not inside a turn). Timers may be armed; time does not move.
     */
    public boolean idle() {
        return executor.idle();
    }

    /** Runs one queued task (see {@link CallerDrivenExecutor#runOne}); false if none was queued. */
    public boolean runOne() {
        return executor.runOne();
    }

    /**
     * Runs every queued task and every timer due now, and what they queue in
     * turn, until nothing is left at the current virtual time; returns how
     * many tasks ran. Time does not move.
     */
    public long runUntilIdle() {
        long n = 0;
        for (;;) {
            n += executor.runUntilIdle();
            Runnable due = timers.takeDue(timers.nowNanos());
            if (due == null) {
                return n;
            }
            executor.execute(due);
        }
    }

    /**
     * Moves virtual time to {@code virtualNanos}: first runs what is ready
     * now, then fires each timer due by then in (time, order of arming)
     * order, each at its own time and followed by everything it causes, and
     * finally sets the clock to {@code virtualNanos}. Refuses to move back.
     */
    public void advanceTo(long virtualNanos) {
        if (virtualNanos < timers.nowNanos()) {
            throw new IllegalArgumentException("virtual time only moves forward: it is " + timers.nowNanos()
                    + " ns, asked for " + virtualNanos + " ns");
        }
        call(() -> {
            runUntilIdle();
            for (Runnable due = timers.takeDue(virtualNanos); due != null; due = timers.takeDue(virtualNanos)) {
                executor.execute(due);
                runUntilIdle();
            }
            timers.moveTo(virtualNanos);
            return runUntilIdle();
        });
    }

    /** {@link #advanceTo} the current virtual time plus {@code d}. */
    public void advanceBy(Duration d) {
        advanceTo(Math.addExact(nowNanos(), d.toNanos()));
    }

    /**
     * Runs the queue on the calling thread until {@code stage} completes, and
     * returns its value (or throws its failure: a RuntimeException as is,
     * anything else in a CompletionException). Whenever the queue is empty
     * and the stage is not complete, virtual time moves to the next timer. If
     * no timer is armed either, throws {@link StuckException} naming
     * {@code what}: the stage can never complete, and this never hangs. Time
     * is not bounded here: a timer that re-arms itself for ever keeps it
     * going (the model sets none); see the bounded form.
     */
    public <T> T await(CompletionStage<T> stage, String what) {
        return await(stage, what, Long.MAX_VALUE);
    }

    /**
     * As {@link #await(CompletionStage, String)}, but gives up with
     * {@link StuckException} ({@link StuckException.Reason#DEADLINE}), the
     * clock at the deadline, rather than move virtual time more than
     * {@code within} past now.
     */
    public <T> T await(CompletionStage<T> stage, String what, Duration within) {
        return await(stage, what, saturatedNanos(within));
    }

    private <T> T await(CompletionStage<T> stage, String what, long withinNanos) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        if (!f.isDone()) {
            long start = timers.nowNanos();
            long deadline = start + withinNanos < start ? Long.MAX_VALUE : start + withinNanos;
            call(() -> pumpUntilDone(f, what, deadline));
        }
        return result(f);
    }

    private Void pumpUntilDone(CompletableFuture<?> f, String what, long deadline) {
        while (!f.isDone()) {
            if (executor.runOne()) {
                continue;
            }
            long now = timers.nowNanos();
            Runnable due = timers.takeDue(now);
            if (due == null) {
                OptionalLong next = timers.nextDueNanos();
                if (next.isEmpty()) {
                    throw new StuckException(StuckException.Reason.NOTHING_TO_RUN, what, now,
                            "nothing is left to run and no timer is armed, so it can never complete");
                }
                if (next.getAsLong() > deadline) {
                    timers.moveTo(deadline);
                    throw new StuckException(StuckException.Reason.DEADLINE, what, deadline,
                            "not complete within " + (deadline - now) + " ns more of virtual time (next timer at "
                                    + next.getAsLong() + " ns)");
                }
                due = timers.takeDue(next.getAsLong());
            }
            executor.execute(due);
        }
        return null;
    }

    /**
     * Terminates {@code system} (which this runtime drives), runs it until it
     * has terminated and the timers its scheduler left have run, then closes
     * this runtime.
     */
    public void terminate(ActorSystem<?> system) {
        system.terminate();
        try {
            await(system.getWhenTerminated(), "the termination of ActorSystem " + system.name());
            runUntilIdle();
        } finally {
            close();
        }
    }

    /** Forgets this runtime (what is still queued is dropped); the system it drove should have terminated. */
    @Override
    public void close() {
        RuntimeRegistry.unregister(id);
        executor.discard();
    }

    /** Called by the scheduler Pekko creates for the system: one runtime drives one system. */
    synchronized void attachScheduler(VirtualTimeScheduler s) {
        if (scheduler != null) {
            throw new IllegalStateException("deterministic runtime " + id + " already drives an ActorSystem;"
                    + " each system needs its own runtime");
        }
        scheduler = s;
    }

    private static <T> T result(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (CancellationException e) {
            throw e;
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
