package org.iommusim.actors.iommufd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.iommusim.protocol.event.RawEvent;

/**
 * One entry read from a vEVENTQ: {@code struct iommufd_vevent_header}
 * ({@code flags}, {@code sequence}) followed, for a normal vEVENT, by
 * {@code struct iommu_vevent_arm_smmuv3} (the 32-byte event record with the
 * StreamID replaced by the guest's virtual StreamID). A header with
 * {@link #FLAG_LOST_EVENTS} has no data: the queue was full and vEVENTs were
 * lost; its sequence is the one the next vEVENT would have had, and the
 * sequence gap between the vEVENTs around it counts the lost ones.
 *
 * @param sequence 0 to {@code INT_MAX}, then 0 again
 * @param record   the guest's event record; empty for a LOST_EVENTS header
 */
public record Vevent(int flags, int sequence, Optional<RawEvent> record) {
    /** {@code IOMMU_VEVENTQ_FLAG_LOST_EVENTS}. */
    public static final int FLAG_LOST_EVENTS = 1;
    /** {@code sizeof(struct iommufd_vevent_header)}. */
    public static final int HEADER_BYTES = 8;

    /** Whether this is the LOST_EVENTS header (no record follows). */
    public boolean lostEvents() {
        return (flags & FLAG_LOST_EVENTS) != 0;
    }

    /** The bytes {@code read()} on the vEVENTQ's fd gives for this entry: header, then the record, little-endian. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + (record.isPresent() ? RawEvent.BYTES : 0))
                .order(ByteOrder.LITTLE_ENDIAN).putInt(flags).putInt(sequence);
        record.ifPresent(r -> b.put(r.toBytes()));
        return b.array();
    }
}
