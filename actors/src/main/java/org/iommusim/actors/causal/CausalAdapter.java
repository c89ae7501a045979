package org.iommusim.actors.causal;

import java.util.ArrayDeque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.EventSeq;
import org.iommusim.persistence.serialization.CausalStamp;
import org.iommusim.persistence.serialization.Stamped;

/**
 * The event adapter every entity of the model uses: it writes each event as
 * a {@link Stamped} envelope and hands the bare event back on recovery, so
 * that neither the event records nor the state machines know of stamps.
 *
 * <p>Pekko calls {@link #toJournal} in the turn in which the command handler
 * returned its effect, before anything else of that entity runs: the stamp
 * is taken when the entity decided. An entity that persists what was decided
 * earlier elsewhere (an IOTLB journal writing its worker's fills behind)
 * passes those decisions' stamps first ({@link #decidedAt}).
 *
 * <p>Events written before stamps existed read back as they are.
 */
public final class CausalAdapter<E> extends EventAdapter<E, Object> {
    private final CausalClock clock;
    private final ArrayDeque<CausalStamp> decided = new ArrayDeque<>();

    public CausalAdapter(CausalClock clock) {
        this.clock = clock;
    }

    /** The adapter of an entity of {@code system}'s model. */
    public static <E> CausalAdapter<E> of(ActorSystem<?> system) {
        return new CausalAdapter<>(CausalClock.get(system));
    }

    /**
     * The stamps of the events the next persist writes, in order, taken
     * when they were decided; events beyond them are stamped when written.
     */
    public void decidedAt(List<CausalStamp> stamps) {
        decided.clear();
        decided.addAll(stamps);
    }

    @Override
    public Object toJournal(E event) {
        CausalStamp s = decided.poll();
        return new Stamped(s != null ? s : clock.next(), event);
    }

    @Override
    public String manifest(E event) {
        return "";
    }

    @Override
    @SuppressWarnings("unchecked")
    public EventSeq<E> fromJournal(Object stored, String manifest) {
        if (stored instanceof Stamped s) {
            clock.observe(s.stamp().gsn());
            return EventSeq.single((E) s.event());
        }
        return EventSeq.single((E) stored);
    }
}
