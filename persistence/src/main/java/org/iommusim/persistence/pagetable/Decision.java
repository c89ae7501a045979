package org.iommusim.persistence.pagetable;

/**
 * The answer to a command: the event to persist and apply, or why not.
 *
 * @param <E> the event type the command produces
 */
public sealed interface Decision<E extends PageTableEvent> permits Decision.Accepted, Decision.Rejected {

    /** The command is valid; persist {@code event}, then {@link PageTable#apply} it. */
    record Accepted<E extends PageTableEvent>(E event) implements Decision<E> {}

    /** The command is refused; nothing is to be persisted. */
    record Rejected<E extends PageTableEvent>(PageTableError error) implements Decision<E> {}

    default boolean accepted() {
        return this instanceof Accepted;
    }
}
