package org.iommusim.actors.causal;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.iommusim.actors.exec.DeterministicRuntime;
import org.iommusim.persistence.serialization.CausalStamp;

/**
 * The model's one causal counter: every event is stamped with the next
 * global sequence number when it is decided ({@link CausalAdapter} for an
 * entity's own events, {@link StampingList} for what a translation worker
 * decides and writes behind), and, in deterministic mode, with the virtual
 * time. One per ActorSystem, hence one per model ({@code IommuSim.start}
 * gives each model its own system).
 *
 * <p>A restarted model continues above the highest stamp of its journal:
 * {@code IommuSim.start} seeds it with what the journal check found, and
 * every recovered event raises it too ({@link #observe}), so a new event is
 * never ordered before one already recorded.
 */
public final class CausalClock implements Extension {
    private final AtomicLong last = new AtomicLong();
    /** The virtual clock in deterministic mode; null on Pekko's threads. */
    private final DeterministicRuntime runtime;

    private CausalClock(DeterministicRuntime runtime) {
        this.runtime = runtime;
    }

    /** The clock of {@code system}'s model. */
    public static CausalClock get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /** The next stamp: taken by whoever decides an event, at the moment it decides. */
    public CausalStamp next() {
        long gsn = last.incrementAndGet();
        return new CausalStamp(gsn, runtime == null ? CausalStamp.NO_TIME : runtime.nowNanos());
    }

    /** The last global sequence number handed out or observed (0: none yet). */
    public long last() {
        return last.get();
    }

    /** Raises the counter to at least {@code gsn}: a stamp already in the journal is never handed out again. */
    public void observe(long gsn) {
        last.accumulateAndGet(gsn, Math::max);
    }

    static final class Id extends ExtensionId<CausalClock> {
        static final Id INSTANCE = new Id();

        @Override
        public CausalClock createExtension(ActorSystem<?> system) {
            return new CausalClock(DeterministicRuntime.of(system).orElse(null));
        }
    }
}
