package org.iommusim.actors;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * An {@link EventSourcedBehavior} that does not publish its events on the
 * ActorSystem's event stream.
 *
 * <p>Pekko Persistence Typed publishes every persisted event by default: on
 * each write success it sends an {@code EventStream.Publish} of a
 * {@code PublishedEvent} to the system's event stream actor, which is one
 * more message and actor turn per event (two per strict unmap's CMD_SYNC
 * turn alone). Only Replicated Event Sourcing and Projections over the event
 * stream read them; the model reads its events from the journal, so nothing
 * subscribes. The switch is Pekko's internal
 * {@code EventSourcedBehaviorImpl.withEventPublishing}, the one Pekko's own
 * replicated javadsl behavior sets; the javadsl class reaches the behavior
 * it builds only through {@link #apply}, so this overrides it.
 *
 * <p>Every event-sourced entity of the model extends this.
 */
public abstract class Unpublished<C, E, S> extends EventSourcedBehavior<C, E, S> {
    protected Unpublished(PersistenceId persistenceId) {
        super(persistenceId);
    }

    /** The behavior Pekko builds from this definition, with event publishing off. */
    @Override
    @SuppressWarnings("unchecked")
    public final Behavior<C> apply(TypedActorContext<C> ctx) {
        // the Scala trait is a Behavior only through its implementation class; Pekko's javadsl casts the same way
        return (Behavior<C>) (Object) createEventSourcedBehavior().withEventPublishing(false);
    }
}
