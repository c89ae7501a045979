package org.iommusim.actors.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue of tasks that run only when its driver calls {@link #runOne} or
 * {@link #runUntilIdle}, on the driver's own thread: no thread of its own,
 * no hand-off. Pekko schedules an actor's mailbox as one task per turn, so
 * every actor turn, future callback and timer of a deterministic system is
 * one task here.
 *
 * <p>Without a seed the tasks run in submission order. With a seed, each
 * {@link #runOne} picks one of the queued tasks with a seeded
 * {@link Random}: the choice among ready actors that a thread pool would
 * make by timing, made reproducibly. Either way the order depends only on
 * what was submitted, never on the host.
 *
 * <p>Submitting from another thread is allowed (the queue is locked) but
 * recorded, as is every thread that ran a task: a deterministic run shows
 * exactly one of each.
 */
public final class CallerDrivenExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(CallerDrivenExecutor.class);

    private final Random chooser;
    private final ArrayDeque<Runnable> fifo = new ArrayDeque<>();
    private final ArrayList<Runnable> ready = new ArrayList<>();
    private final Set<Thread> runners = new LinkedHashSet<>();
    private final Set<Thread> submitters = new LinkedHashSet<>();
    private final List<RuntimeException> uncaught = new ArrayList<>();
    private Thread lastRunner;
    private Thread lastSubmitter;
    private Consumer<Runnable> observer;
    private long executed;
    private int running;

    /** Runs tasks in submission order. */
    public CallerDrivenExecutor() {
        this.chooser = null;
    }

    /** Picks among queued tasks with a {@link Random} seeded with {@code interleavingSeed}. */
    public CallerDrivenExecutor(long interleavingSeed) {
        this.chooser = new Random(interleavingSeed);
    }

    /** Whether a seed picks among queued tasks (otherwise FIFO). */
    public boolean seeded() {
        return chooser != null;
    }

    @Override
    public synchronized void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        Thread t = Thread.currentThread();
        if (t != lastSubmitter) {
            submitters.add(t);
            lastSubmitter = t;
        }
        if (chooser == null) {
            fifo.addLast(task);
        } else {
            ready.add(task);
        }
    }

    /**
     * Runs one queued task on the calling thread; false if none was queued.
     * A task's RuntimeException is logged and kept ({@link #uncaught}), as a
     * pool thread would report it, and the queue goes on.
     */
    public boolean runOne() {
        Runnable task;
        Consumer<Runnable> watch;
        synchronized (this) {
            task = take();
            if (task == null) {
                return false;
            }
            Thread t = Thread.currentThread();
            if (t != lastRunner) {
                runners.add(t);
                lastRunner = t;
            }
            executed++;
            running++;
            watch = observer;
        }
        try {
            if (watch != null) {
                watch.accept(task);
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("a task on the caller-driven executor threw", e);
                synchronized (this) {
                    uncaught.add(e);
                }
            }
        } finally {
            synchronized (this) {
                running--;
            }
        }
        return true;
    }

    /**
     * Whether nothing is queued and no task is running (the caller is not
     * inside one, nor is another thread): the model is at rest between calls.
     */
    public synchronized boolean idle() {
        return running == 0 && queued() == 0;
    }

    /** Runs tasks until none is queued (tasks may queue more); returns how many ran. */
    public long runUntilIdle() {
        long n = 0;
        while (runOne()) {
            n++;
        }
        return n;
    }

    private Runnable take() {
        if (chooser == null) {
            return fifo.pollFirst();
        }
        int n = ready.size();
        if (n == 0) {
            return null;
        }
        int i = chooser.nextInt(n);
        Runnable picked = ready.get(i);
        ready.set(i, ready.get(n - 1));
        ready.remove(n - 1);
        return picked;
    }

    /** Tasks waiting to run. */
    public synchronized int queued() {
        return chooser == null ? fifo.size() : ready.size();
    }

    /** Tasks run so far. */
    public synchronized long executed() {
        return executed;
    }

    /** Every thread that has run a task, in first-run order. */
    public synchronized List<Thread> runners() {
        return List.copyOf(runners);
    }

    /** Every thread that has submitted a task, in first-submission order. */
    public synchronized List<Thread> submitters() {
        return List.copyOf(submitters);
    }

    /** RuntimeExceptions tasks threw (each was logged). */
    public synchronized List<RuntimeException> uncaught() {
        return List.copyOf(uncaught);
    }

    /** Sees every task just before it runs (for tests recording the order of turns); null removes it. */
    public synchronized void observe(Consumer<Runnable> observer) {
        this.observer = observer;
    }

    /** Drops whatever is still queued (after the system using it has terminated). */
    synchronized int discard() {
        int n = queued();
        fifo.clear();
        ready.clear();
        return n;
    }
}
