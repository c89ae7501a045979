package org.iommusim.actors.translate;

/**
 * Where this run's acknowledgement marker ({@code IotlbEvent.AcksAhead},
 * {@code TcuEvent.AcksAhead}, set) stands in one journal's writes: logged and
 * waiting to be sent, in the write in flight, then durable once that write is
 * answered. A TBU worker keeps one per TLB, the TCU's keeper one; until it is
 * durable, no invalidation is acknowledged ahead of its record.
 */
final class AcksAheadMarker {
    private boolean pending;
    private boolean sent;
    private boolean durable;

    /** The marker was logged: the next write that carries it sends it. */
    void logged() {
        pending = true;
    }

    /** Logged and not sent yet. */
    boolean pending() {
        return pending;
    }

    /** A write goes to the journal; {@code carries}: the marker is among its events. */
    void sending(boolean carries) {
        if (pending && carries) {
            pending = false;
            sent = true;
        }
    }

    /** The journal answered the write in flight. */
    void written() {
        if (sent) {
            sent = false;
            durable = true;
        }
    }

    boolean durable() {
        return durable;
    }
}
