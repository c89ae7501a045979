package org.iommusim.persistence.smmu;

import java.util.List;

/** The answer to an SMMU command: the events to persist atomically, or why not. */
public sealed interface SmmuDecision {
    record Accept(List<SmmuChange> events) implements SmmuDecision {
        public Accept {
            events = List.copyOf(events);
        }
    }

    record Reject(String reason) implements SmmuDecision {}
}
