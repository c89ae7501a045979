package org.iommusim.actors;

import org.apache.pekko.persistence.typed.internal.SnapshotCountRetentionCriteriaImpl;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The snapshot deletions an event-sourced entity is waiting to hear about.
 * With snapshot-count retention, Pekko asks the snapshot store to delete the
 * snapshots older than those it keeps each time a snapshot is saved, and
 * carries on without waiting: the store's answer comes later, as a
 * {@code DeleteSnapshotsCompleted} or {@code DeleteSnapshotsFailed} signal.
 * An entity that stops before then leaves that answer to dead letters. An
 * entity that stops on request counts the deletions here, from its
 * {@code SnapshotCompleted} signals, and stops once none is awaited.
 */
public final class SnapshotDeletions {
    private final RetentionCriteria retention;
    private int awaited;

    public SnapshotDeletions(RetentionCriteria retention) {
        this.retention = retention;
    }

    /**
     * A snapshot at {@code sequenceNr} was saved. Pekko has just asked for a
     * deletion if its retention rule gives one (its own
     * {@code deleteUpperSequenceNr}, above 0 once more snapshots exist than
     * it keeps).
     */
    public void snapshotSaved(long sequenceNr) {
        if (retention instanceof SnapshotCountRetentionCriteriaImpl r && r.deleteUpperSequenceNr(sequenceNr) > 0) {
            awaited++;
        }
    }

    /** The store answered a deletion (done or failed); true once none is awaited. */
    public boolean answered() {
        if (awaited > 0) {
            awaited--;
        }
        return awaited == 0;
    }

    /** Whether a deletion's answer is still to come. */
    public boolean awaited() {
        return awaited > 0;
    }
}
