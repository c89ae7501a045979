package org.iommusim.actors.translate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic mode only: the order in which an SMMU's translation units (a
 * burst's part for one TBU, or a single request) may use the TCU its workers
 * share. The pool hands out tickets as it posts units, in submission order;
 * a worker translates a unit only when its ticket is served, and serves the
 * next on finishing it. So walks meet the walk caches in submission order,
 * whatever the worker count: with one worker a burst's parts run TBU by TBU,
 * with two the same parts run in the same order on alternating workers, and
 * the TCU's entries, counters and log are the same (TbuWorkerCountTest).
 *
 * <p>Deadlock-free: each worker receives its units in ticket order, so the
 * lowest ticket not yet served is always first in line at its worker. A
 * worker whose first unit must wait does not block: it returns from its turn
 * and is rung ({@code wake}) when its ticket comes up. On Pekko's threads
 * there are no turns (no pool has this): the TCU's own lock orders walks, in
 * whatever order the threads reach it.
 */
public final class TcuTurns {
    private final ArrayDeque<Runnable> owners = new ArrayDeque<>();
    private long next;
    private long serving;
    private boolean open;

    /** A ticket for a unit that {@code wake} (its worker's doorbell) will run. */
    synchronized long take(Runnable wake) {
        owners.addLast(wake);
        return next++;
    }

    /** Whether every ticket handed out has been served: no unit is waiting for, or holding, the TCU. */
    synchronized boolean idle() {
        return owners.isEmpty();
    }

    /** Whether the unit holding {@code ticket} may translate now (always, once {@link #open}). */
    synchronized boolean isTurn(long ticket) {
        return open || ticket < 0 || ticket == serving;
    }

    /** The unit holding {@code ticket} is done; wakes the worker holding the next one. */
    void done(long ticket) {
        Runnable wake;
        synchronized (this) {
            if (open || ticket < 0 || ticket != serving) {
                return;
            }
            serving++;
            owners.pollFirst();
            wake = owners.peekFirst();
        }
        if (wake != null) {
            wake.run();
        }
    }

    /**
     * Turns end (a worker went out of service, or the pool closes): every
     * unit may go, and every waiting worker is woken, so nothing waits for a
     * ticket that will never be served.
     */
    void open() {
        List<Runnable> waiting;
        synchronized (this) {
            open = true;
            waiting = new ArrayList<>(new java.util.LinkedHashSet<>(owners)); // one ring per worker
            owners.clear();
        }
        waiting.forEach(Runnable::run);
    }
}
