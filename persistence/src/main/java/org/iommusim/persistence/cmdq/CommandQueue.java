package org.iommusim.persistence.cmdq;

import java.util.List;
import org.iommusim.protocol.command.RawCommand;

/**
 * The command queue's indexes and contents: {@code prod} and {@code cons}
 * count entries ever submitted and consumed (the hardware's wrapping indexes
 * are these modulo the capacity), the pending entries between them, and the
 * error that stopped consumption, if any. Immutable.
 */
public record CommandQueue(int capacity, long prod, long cons, PendingEntries pending, QueueError error) {

    public static CommandQueue empty(int capacity) {
        return new CommandQueue(capacity, 0, 0, PendingEntries.EMPTY, null);
    }

    public int free() {
        return capacity - pending.size();
    }

    public boolean halted() {
        return error != null;
    }

    public boolean hasPending() {
        return pending.size() > 0;
    }

    public RawCommand head() {
        return pending.get(0);
    }

    public CommandQueue accept(List<RawCommand> entries) {
        if (entries.size() > free()) {
            throw new IllegalStateException("accepting " + entries.size() + " entries with " + free() + " free");
        }
        return new CommandQueue(capacity, prod + entries.size(), cons, pending.append(entries), error);
    }

    public CommandQueue consume(int n) {
        return new CommandQueue(capacity, prod, cons + n, pending.drop(n), error);
    }

    public CommandQueue halt(QueueError e) {
        return new CommandQueue(capacity, prod, cons, pending, e);
    }

    public CommandQueue resume(RawCommand replacement) {
        PendingEntries p = replacement == null ? pending : pending.replaceHead(replacement);
        return new CommandQueue(capacity, prod, cons, p, null);
    }
}
