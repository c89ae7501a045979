package org.iommusim.persistence.replay;

/**
 * How one kind of entity's pure state machine rebuilds its state: where it
 * starts, how a snapshot becomes a state, how an event changes it. An
 * implementation only delegates to the entity's own state machine (e.g.
 * {@code DomainState.apply}); it never restates a rule.
 */
public interface StateFolder<S> {

    /** The state of an entity with no events. */
    S initial();

    /** The state a snapshot holds; throws {@link JournalReadException} if the snapshot is not of this kind. */
    S restore(Object snapshot, String where);

    /** The state after {@code event}; throws {@link JournalReadException} if the event does not fit. */
    S apply(S state, Object event, String where);
}
