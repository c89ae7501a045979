package org.iommusim.actors.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.iommusim.actors.api.GlobalError;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuListener;
import org.iommusim.actors.api.SyncSignal;
import org.iommusim.actors.smmu.InterruptLine;
import org.iommusim.persistence.smmu.SmmuInterrupt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the SMMUs' interrupts (raised on actor threads, after the write) and
 * hands them to the embedder's {@link SmmuListener}s without making any SMMU
 * wait: threaded, on one thread of its own, through an unbounded queue (so
 * nothing is dropped and order is kept); deterministic, in a queue the
 * facade empties on the caller's thread at the end of each call.
 */
public final class InterruptDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptDispatch.class);

    private final boolean deterministic;
    private final Map<String, List<SmmuListener>> listeners = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    /** Deterministic mode: deliveries waiting for the caller's thread (only that thread touches it). */
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    /** Whether {@link #pending} may hold a delivery: read without its lock on every blocking call's return. */
    private volatile boolean mayHavePending;
    private boolean delivering;
    private ExecutorService thread;
    private volatile Thread dispatcherThread;

    public InterruptDispatch(boolean deterministic) {
        this.deterministic = deterministic;
    }

    /** Registers {@code l} for {@code smmu}, whose interrupts come on {@code line}; the returned action removes it. */
    public Runnable add(Smmu smmu, InterruptLine line, SmmuListener l) {
        List<SmmuListener> ls = listeners.computeIfAbsent(smmu.id(), k -> {
            synchronized (this) {
                if (!deterministic && thread == null) {
                    thread = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "iommu-sim-interrupts");
                        t.setDaemon(true);
                        dispatcherThread = t;
                        return t;
                    });
                }
            }
            line.connect(irqs -> raise(smmu, irqs));
            return new CopyOnWriteArrayList<>();
        });
        ls.add(l);
        return () -> ls.remove(l);
    }

    public long failures() {
        return failures.get();
    }

    /** On an SMMU's thread: queue the delivery to the listeners registered now. */
    private void raise(Smmu smmu, List<SmmuInterrupt> irqs) {
        List<SmmuListener> ls = List.copyOf(listeners.getOrDefault(smmu.id(), List.of()));
        if (ls.isEmpty()) {
            return;
        }
        Runnable delivery = () -> {
            for (SmmuInterrupt irq : irqs) {
                for (SmmuListener l : ls) {
                    call(smmu, l, irq);
                }
            }
        };
        if (deterministic) {
            synchronized (pending) {
                pending.add(delivery);
                mayHavePending = true;
            }
        } else {
            synchronized (this) {
                if (thread != null && !thread.isShutdown()) {
                    thread.execute(delivery);
                    return;
                }
            }
            delivery.run(); // closing: deliver here rather than lose it
        }
    }

    private void call(Smmu smmu, SmmuListener l, SmmuInterrupt irq) {
        try {
            if (irq instanceof SmmuInterrupt.EventQueueWritten w) {
                l.onEvents(smmu, w.records());
            } else if (irq instanceof SmmuInterrupt.EventQueueOverflow o) {
                l.onEventQueueOverflow(smmu, o.lost(), o.totalLost());
            } else if (irq instanceof SmmuInterrupt.SyncSignalled s) {
                l.onSyncCompleted(smmu, new SyncSignal(s.index(), s.cs(), s.msiAddr(), s.msiData(), s.msiAttr(),
                        s.msh()));
            } else if (irq instanceof SmmuInterrupt.GlobalError g) {
                l.onGlobalError(smmu, new GlobalError(GlobalError.Kind.valueOf(g.kind().name()), g.index(), g.code(),
                        g.reason()));
            }
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failures.incrementAndGet();
            LOG.warn("an SMMU listener ({}) threw on {} of {}; it stays registered", l.getClass().getName(),
                    irq.getClass().getSimpleName(), smmu.id(), e);
        }
    }

    /**
     * Deterministic mode, on the caller's thread: delivers everything raised
     * so far, and what those deliveries raise. A listener's own blocking call
     * comes back here and returns at once; the outer loop delivers the rest.
     */
    public void deliverPending() {
        if (!deterministic || delivering || !mayHavePending) {
            return;
        }
        delivering = true;
        try {
            while (true) {
                Runnable next;
                synchronized (pending) {
                    next = pending.poll();
                    if (next == null) {
                        mayHavePending = false;
                    }
                }
                if (next == null) {
                    return;
                }
                next.run();
            }
        } finally {
            delivering = false;
        }
    }

    /** Delivers what is queued, then stops the interrupt thread (at most {@code timeout}). */
    public void close(Duration timeout) {
        deliverPending();
        ExecutorService t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return;
        }
        t.shutdown();
        if (Thread.currentThread() == dispatcherThread) {
            return; // a listener closing the model: the rest runs after it returns
        }
        try {
            t.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
