package org.iommusim.persistence.ids;

import org.iommusim.persistence.serialization.JournalSerializable;

/**
 * What an SMMU's id allocator ({@code smmu-<n>/ids}) records. An id goes
 * allocated, then released (no longer used, but cached entries may still
 * carry it), then flushed (its TLBI and CMD_SYNC completed: free again).
 */
public sealed interface IdEvent extends JournalSerializable {
    /** The kind of id the event is about. */
    IdKind kind();

    /** The id. */
    int id();

    /** The id was handed out. */
    record IdAllocated(IdKind kind, int id) implements IdEvent {}

    /** Its owner freed the id; it waits for its flush before it can be handed out again. */
    record IdReleased(IdKind kind, int id) implements IdEvent {}

    /** The id's flush (TLBI and CMD_SYNC) completed; it is free. */
    record IdFlushed(IdKind kind, int id) implements IdEvent {}
}
