package org.iommusim.simulations.replay;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.iommusim.persistence.replay.EntityKind;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.Undecoded;

/**
 * The event-to-text registry, keyed by event class. {@link #standard()} has
 * every entity's renderers; an event with none (or an {@link Undecoded}
 * payload) still gets a line naming its manifest, so a journal from a newer
 * build stays listable. Renderers that need the entity's prior state
 * ({@link ContextualRenderer}) are given it by a {@link Timeline}.
 */
public final class EventRenderers {
    private final Map<Class<?>, EventRenderer<?>> byClass = new HashMap<>();
    private final Map<Class<?>, ContextualRenderer<?, ?>> contextual = new HashMap<>();
    private final Set<EntityKind> kindsWithContext = EnumSet.noneOf(EntityKind.class);

    /** The renderers of every entity type this build knows. */
    public static EventRenderers standard() {
        EventRenderers r = new EventRenderers();
        DomainEventRenderers.register(r);
        SmmuEventRenderers.register(r);
        StreamEventRenderers.register(r);
        IotlbEventRenderers.register(r);
        TcuEventRenderers.register(r);
        return r;
    }

    public <T> EventRenderers register(Class<T> type, EventRenderer<? super T> renderer) {
        if (byClass.containsKey(type) || contextual.containsKey(type)) {
            throw new IllegalStateException("a renderer for " + type.getName() + " is already registered");
        }
        byClass.put(type, renderer);
        return this;
    }

    /** A renderer for events of {@code kind} entities that reads the state before each event. */
    public <T> EventRenderers register(EntityKind kind, Class<T> type, ContextualRenderer<? super T, ?> renderer) {
        if (byClass.containsKey(type) || contextual.containsKey(type)) {
            throw new IllegalStateException("a renderer for " + type.getName() + " is already registered");
        }
        contextual.put(type, renderer);
        kindsWithContext.add(kind);
        return this;
    }

    /** Whether events of this entity kind are rendered against the state before them. */
    boolean needsState(EntityKind kind) {
        return kindsWithContext.contains(kind);
    }

    /** {@code <persistenceId> #<seq> <text>}: one timeline line, without prior state. */
    public String line(JournalEvent e) {
        return line(e, null);
    }

    /** {@code <persistenceId> #<seq> <text>}, {@code before} being the entity's state just before the event. */
    public String line(JournalEvent e, Object before) {
        return e.persistenceId() + " #" + e.sequenceNr() + " " + text(e, before);
    }

    /** The event's text, e.g. {@code MAP iova=0x10000 pa=0x80000 size=0x1000 prot=READ|WRITE}. */
    public String text(JournalEvent e, Object before) {
        Object p = e.payload();
        ContextualRenderer<Object, Object> c = contextual(p);
        if (c != null) {
            String details = c.details(p, before);
            return details.isEmpty() ? c.name(p) : c.name(p) + " " + details;
        }
        EventRenderer<Object> r = renderer(p);
        if (r == null) {
            return fallbackText(e);
        }
        String details = r.details(p);
        return details.isEmpty() ? r.name(p) : r.name(p) + " " + details;
    }

    public JsonObject json(JournalEvent e) {
        return json(e, null);
    }

    /** The event as one JSON object, without wall-clock or per-run fields (timestamp, writer UUID). */
    public JsonObject json(JournalEvent e, Object before) {
        JsonObject o = new JsonObject()
                .string("persistenceId", e.persistenceId())
                .number("sequenceNr", e.sequenceNr())
                .string("manifest", e.manifest());
        Object p = e.payload();
        ContextualRenderer<Object, Object> c = contextual(p);
        EventRenderer<Object> r = renderer(p);
        if (c != null) {
            c.json(p, before, o.string("event", c.name(p)));
        } else if (r != null) {
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

    @SuppressWarnings("unchecked")
    private ContextualRenderer<Object, Object> contextual(Object payload) {
        return (ContextualRenderer<Object, Object>) contextual.get(payload.getClass());
    }

    private static String fallbackText(JournalEvent e) {
        if (e.payload() instanceof Undecoded u) {
            return "UNDECODED manifest=" + e.manifest() + " serializer=" + u.serializerId() + " size=" + u.size()
                    + " reason=\"" + u.reason().replace("\"", "'") + "\"";
        }
        return "UNKNOWN manifest=" + e.manifest() + " class=" + e.payload().getClass().getName();
    }
}
