package org.iommusim.persistence.serialization;

/**
 * Marker for everything written to the journal or the snapshot store. It is
 * bound to {@link IommuSimSerializer} in this module's {@code reference.conf};
 * Java serialization stays off.
 */
public interface JournalSerializable {}
