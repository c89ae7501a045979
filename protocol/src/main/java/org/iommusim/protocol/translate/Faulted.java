package org.iommusim.protocol.translate;

import org.iommusim.protocol.event.SmmuEvent;

/** A translation that faulted; {@code event} is the record written to the event queue. */
public record Faulted(SmmuEvent event) implements TranslationResult {
    /**
     * Checks the event.
     * @throws IllegalArgumentException if {@code event} is null
     */
    public Faulted {
        if (event == null) {
            throw new IllegalArgumentException("a fault needs its event record");
        }
    }

    @Override
    public String toText() {
        return "FAULT " + event.toText();
    }
}
