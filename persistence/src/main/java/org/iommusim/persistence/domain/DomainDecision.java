package org.iommusim.persistence.domain;

/** The answer to a domain command: the event to persist, or why not. */
public sealed interface DomainDecision {
    record Accept(DomainEvent event) implements DomainDecision {}

    record Reject(DomainError error) implements DomainDecision {}

    static DomainDecision accept(DomainEvent event) {
        return new Accept(event);
    }

    static DomainDecision reject(DomainError error) {
        return new Reject(error);
    }
}
