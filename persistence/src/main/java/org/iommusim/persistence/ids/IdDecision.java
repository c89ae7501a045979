package org.iommusim.persistence.ids;

import java.util.List;

/** The answer to an allocator request: the events to persist, or why not. */
public sealed interface IdDecision {
    record Accept(List<IdEvent> events) implements IdDecision {
        public Accept {
            events = List.copyOf(events);
        }
    }

    record Reject(IdError error) implements IdDecision {}
}
