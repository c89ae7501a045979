package org.iommusim.persistence.replay;

/**
 * An entity's state at one sequence number, and how it was reached.
 *
 * @param at           the sequence number the state is at (0: before any event)
 * @param snapshotSeq  the snapshot replay started from, 0 when from the initial state
 * @param eventsApplied events applied after that snapshot
 */
public record ReplayedState<S>(String persistenceId, S state, long at, long snapshotSeq, long eventsApplied) {}
