package org.iommusim.simulations.replay;

/**
 * Like {@link EventRenderer}, for events that only make sense against the
 * entity's state just before them: an SMMU's {@code Submitted} entries are
 * numbered from the producer index, its {@code Consumed} names entries by
 * position in the queue. {@link Timeline} supplies that state by folding the
 * entity's own events; {@code before} is null when it cannot (events missing),
 * and the renderer then says so instead of guessing.
 */
public interface ContextualRenderer<T, S> {

    String name(T event);

    /** The text after the name, without a leading space; empty for none. */
    String details(T event, S before);

    /** Adds the event's fields (after {@code event}) to a JSON object. */
    void json(T event, S before, JsonObject out);
}
