package org.iommusim.simulations.replay;

import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.Undecoded;

/**
 * The event-to-text registry, keyed by event class. {@link #standard()} has
 * every entity's renderers; an event with none (or an {@link Undecoded}
 * payload) still gets a line naming its manifest, so a journal from a newer
 * build stays listable.
 */
public final class EventRenderers {
    private final Map<Class<?>, EventRenderer<?>> byClass = new HashMap<>();

    /** The renderers of every entity type this build knows. */
    public static EventRenderers standard() {
        EventRenderers r = new EventRenderers();
        DomainEventRenderers.register(r);
        return r;
    }

    public <T> EventRenderers register(Class<T> type, EventRenderer<? super T> renderer) {
        if (byClass.putIfAbsent(type, renderer) != null) {
            throw new IllegalStateException("a renderer for " + type.getName() + " is already registered");
        }
        return this;
    }

    /** {@code <persistenceId> #<seq> <text>}: one timeline line. */
    public String line(JournalEvent e) {
        return e.persistenceId() + " #" + e.sequenceNr() + " " + text(e);
    }

    /** The event's text, e.g. {@code MAP iova=0x10000 pa=0x80000 size=0x1000 prot=READ|WRITE}. */
    public String text(JournalEvent e) {
        Object p = e.payload();
        EventRenderer<Object> r = renderer(p);
        if (r == null) {
            return fallbackText(e);
        }
        String details = r.details(p);
        return details.isEmpty() ? r.name(p) : r.name(p) + " " + details;
    }

    /** The event as one JSON object, without wall-clock or per-run fields (timestamp, writer UUID). */
    public JsonObject json(JournalEvent e) {
        JsonObject o = new JsonObject()
                .string("persistenceId", e.persistenceId())
                .number("sequenceNr", e.sequenceNr())
                .string("manifest", e.manifest());
        Object p = e.payload();
        EventRenderer<Object> r = renderer(p);
        if (r != null) {
            r.json(p, o.string("event", r.name(p)));
        } else if (p instanceof Undecoded u) {
            o.string("event", "UNDECODED").number("serializer", u.serializerId()).number("size", u.size())
                    .string("reason", u.reason());
        } else {
            o.string("event", "UNKNOWN").string("class", p.getClass().getName());
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    private EventRenderer<Object> renderer(Object payload) {
        return (EventRenderer<Object>) byClass.get(payload.getClass());
    }

    private static String fallbackText(JournalEvent e) {
        if (e.payload() instanceof Undecoded u) {
            return "UNDECODED manifest=" + e.manifest() + " serializer=" + u.serializerId() + " size=" + u.size()
                    + " reason=\"" + u.reason().replace("\"", "'") + "\"";
        }
        return "UNKNOWN manifest=" + e.manifest() + " class=" + e.payload().getClass().getName();
    }
}
