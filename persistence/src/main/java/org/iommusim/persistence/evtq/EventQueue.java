package org.iommusim.persistence.evtq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * The SMMU's event queue: fault records wait here until a reader consumes
 * them. When full, a new record is lost: the overflow flag is set and the
 * loss counted, and nothing already queued is disturbed (reference §5). The
 * flag stays set until the reader acknowledges it. Immutable.
 *
 * @param recorded every record ever offered, lost ones included
 */
public record EventQueue(int capacity, List<SmmuEvent> records, boolean overflow, long lost, long recorded,
        long consumed) {

    public static EventQueue empty(int capacity) {
        return new EventQueue(capacity, List.of(), false, 0, 0, 0);
    }

    public EventQueue append(List<SmmuEvent> offered) {
        List<SmmuEvent> next = new ArrayList<>(records);
        boolean ovf = overflow;
        long lostNow = lost;
        for (SmmuEvent e : offered) {
            if (next.size() < capacity) {
                next.add(e);
            } else {
                ovf = true;
                lostNow++;
            }
        }
        return new EventQueue(capacity, Collections.unmodifiableList(next), ovf, lostNow, recorded + offered.size(),
                consumed);
    }

    /** {@code count} records offered and lost before reaching the queue: overflow, as {@link #append} when full. */
    public EventQueue lose(long count) {
        return new EventQueue(capacity, records, true, lost + count, recorded + count, consumed);
    }

    /** The reader has consumed (and acknowledged) the first {@code n} records. */
    public EventQueue consume(int n) {
        if (n < 0 || n > records.size()) {
            throw new IllegalArgumentException("cannot consume " + n + " of " + records.size() + " queued records");
        }
        return new EventQueue(capacity, List.copyOf(records.subList(n, records.size())), overflow, lost, recorded,
                consumed + n);
    }

    public EventQueue acknowledgeOverflow() {
        return new EventQueue(capacity, records, false, lost, recorded, consumed);
    }
}
