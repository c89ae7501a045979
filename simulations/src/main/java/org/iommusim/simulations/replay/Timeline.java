package org.iommusim.simulations.replay;

import org.iommusim.persistence.replay.EntityKind;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.StateFolder;
import org.iommusim.persistence.replay.StateFolders;

/**
 * Follows events in journal order (entity by entity, each from #1) and, for
 * entity kinds whose renderers need it, folds each entity's events through
 * its own state machine so every event can be rendered against the state
 * just before it. Immutable states are handed out as they were before the
 * event (the SMMU's); a state changed in place hands out what its folder kept
 * of the event ({@link StateFolder#context}: the TCU's names what a fill
 * displaced). A missing or unreadable
 * event loses the context for the rest of that entity; renderers then say
 * so instead of numbering wrongly.
 */
final class Timeline {
    private final EventRenderers renderers;
    private String persistenceId;
    private StateFolder<Object> folder;
    private Object state;
    private long next;

    Timeline(EventRenderers renderers) {
        this.renderers = renderers;
    }

    /** Whether rendering an entity's events from {@code from} needs its events before {@code from} too. */
    boolean needsHistory(String persistenceId) {
        return renderers.needsState(EntityKind.of(persistenceId));
    }

    /** The state of {@code e}'s entity just before {@code e} (null if untracked or unknown); then takes {@code e} in. */
    @SuppressWarnings("unchecked")
    Object before(JournalEvent e) {
        if (!e.persistenceId().equals(persistenceId)) {
            persistenceId = e.persistenceId();
            folder = needsHistory(persistenceId)
                    ? (StateFolder<Object>) StateFolders.forEntity(persistenceId).orElse(null) : null;
            state = folder == null ? null : folder.initial();
            next = 1;
        }
        if (folder == null || state == null) {
            return null;
        }
        if (e.sequenceNr() != next || !e.decoded()) {
            state = null;
            return null;
        }
        Object before = state;
        try {
            state = folder.apply(state, e.payload());
        } catch (RuntimeException ex) {
            state = null; // the log still lists what follows; only the numbering context is gone
        }
        next++;
        return folder.context(before, state);
    }
}
