package org.iommusim.simulations.replay;

/**
 * How one event class reads in a timeline: a text line (the hardware-style
 * name first, then {@code name=value} fields) and the same content as JSON
 * fields. Each entity package contributes renderers for its events to
 * {@link EventRenderers}.
 */
public interface EventRenderer<T> {

    /** The event's name, e.g. {@code MAP}; the JSON {@code event} field. */
    String name(T event);

    /** The text after the name, without a leading space; empty for none. */
    String details(T event);

    /** Adds the event's fields (after {@code event}) to a JSON object. */
    void json(T event, JsonObject out);
}
