package org.iommusim.actors.smmu;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * How fault records travel from translation to the SMMU's event queue
 * without a message each: translation threads offer records here, and the
 * SMMU gets one doorbell ({@link SmmuEntity.FaultsPending}) while any wait.
 * It drains them all into one journal write; whatever arrives during that
 * write rings again and goes in the next. So a fault storm costs the SMMU
 * one message per write, never a stash full of records.
 *
 * <p>Bounded as the hardware is: the event queue can never hold more than
 * its capacity, so records offered beyond that many waiting here are
 * certainly lost; they are counted (and become
 * {@code SmmuChange.FaultsLost}: overflow flag set, loss counted) rather
 * than held. Thread-safe.
 */
public final class FaultChannel {
    /** What the SMMU takes in one drain: the records, and how many more were lost on the way. */
    public record Drained(List<SmmuEvent> records, long lost) {
        public boolean isEmpty() {
            return records.isEmpty() && lost == 0;
        }
    }

    private final int capacity;
    private ArrayList<SmmuEvent> waiting = new ArrayList<>();
    private long lost;
    private boolean rung;
    private ActorRef<SmmuEntity.Command> smmu;

    /** @param capacity the event queue's capacity: more records than this can never all be queued */
    public FaultChannel(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a fault channel holds at least one record, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Connects the SMMU (once it exists); records offered before then ring it now. */
    void attach(ActorRef<SmmuEntity.Command> smmu) {
        boolean ring;
        synchronized (this) {
            this.smmu = smmu;
            ring = !rung && (!waiting.isEmpty() || lost > 0);
            rung |= ring;
        }
        if (ring) {
            smmu.tell(SmmuEntity.FaultsPending.INSTANCE);
        }
    }

    /** Offers one record. */
    public void offer(SmmuEvent record) {
        ActorRef<SmmuEntity.Command> ring;
        synchronized (this) {
            add(record);
            ring = ringIfQuiet();
        }
        if (ring != null) {
            ring.tell(SmmuEntity.FaultsPending.INSTANCE);
        }
    }

    /** Offers several records, in order. */
    public void offer(List<SmmuEvent> records) {
        if (records.isEmpty()) {
            return;
        }
        ActorRef<SmmuEntity.Command> ring;
        synchronized (this) {
            for (SmmuEvent r : records) {
                add(r);
            }
            ring = ringIfQuiet();
        }
        if (ring != null) {
            ring.tell(SmmuEntity.FaultsPending.INSTANCE);
        }
    }

    /** Everything waiting, taken by the SMMU when its doorbell is handled; the next offer rings again. */
    synchronized Drained drain() {
        Drained d = new Drained(waiting.isEmpty() ? List.of() : waiting, lost);
        waiting = new ArrayList<>();
        lost = 0;
        rung = false;
        return d;
    }

    /** Records waiting and not yet drained (for tests and statistics). */
    public synchronized int waiting() {
        return waiting.size();
    }

    private void add(SmmuEvent record) {
        if (waiting.size() < capacity) {
            waiting.add(record);
        } else {
            lost++;
        }
    }

    private ActorRef<SmmuEntity.Command> ringIfQuiet() {
        if (rung || smmu == null) {
            return null;
        }
        rung = true;
        return smmu;
    }
}
