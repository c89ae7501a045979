package org.iommusim.actors.iommufd.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.iommusim.actors.iommufd.Vevent;
import org.iommusim.protocol.event.RawEvent;

/**
 * A vEVENTQ's contents, as iommufd keeps them ({@code iommufd_viommu_report_event},
 * {@code iommufd_vevent_handler}, {@code iommufd_veventq_fops_read} in
 * drivers/iommu/iommufd/): every report takes the next sequence number
 * (wrapping at {@code INT_MAX}); a report to a queue holding {@code depth}
 * vEVENTs is lost, and the one LOST_EVENTS header moves to the tail with
 * that sequence number; the next vEVENT reported while the header is last
 * replaces it there. Reading removes what it returns. Thread-safe.
 */
public final class VeventQueue {
    private final int depth;
    private final ArrayDeque<Vevent> deliver = new ArrayDeque<>();
    private int events;
    private int sequence;
    private long lost;

    public VeventQueue(int depth) {
        this.depth = depth;
    }

    /** {@code iommufd_viommu_report_event}: one record for the guest. */
    public synchronized void report(RawEvent record) {
        boolean full = events == depth;
        if (!deliver.isEmpty() && deliver.peekLast().lostEvents()) {
            deliver.removeLast(); // list_is_last(lost_events_header): removed as the new node goes in
        }
        if (full) {
            lost++;
            deliver.addLast(new Vevent(Vevent.FLAG_LOST_EVENTS, sequence, Optional.empty()));
        } else {
            events++;
            deliver.addLast(new Vevent(0, sequence, Optional.of(record)));
        }
        sequence = (sequence + 1) & Integer.MAX_VALUE;
    }

    /**
     * {@code read()}: whole entries, oldest first, while they fit in
     * {@code count} bytes (a LOST_EVENTS header takes 8, a vEVENT 40).
     */
    public synchronized List<Vevent> read(int count) {
        List<Vevent> out = new ArrayList<>();
        int done = 0;
        while (!deliver.isEmpty()) {
            Vevent v = deliver.peekFirst();
            int size = Vevent.HEADER_BYTES + (v.lostEvents() ? 0 : RawEvent.BYTES);
            if (size > count - done) {
                break;
            }
            deliver.removeFirst();
            if (!v.lostEvents()) {
                events--;
            }
            out.add(v);
            done += size;
        }
        return out;
    }

    /** vEVENTs lost to a full queue so far. */
    public synchronized long lost() {
        return lost;
    }
}
