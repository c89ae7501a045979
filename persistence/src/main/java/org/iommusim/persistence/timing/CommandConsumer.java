package org.iommusim.persistence.timing;

import java.util.List;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandOpcode;

/**
 * The SMMU's command consumer in virtual time: one engine that takes the
 * queue's entries in order, each for its {@link CommandCosts cost}. Entries
 * that arrive while it is busy wait behind the ones before them, so a
 * CMD_SYNC completes when every command ahead of it has been consumed: its
 * latency grows with the queue's depth. Pure and single-threaded; its owner
 * serialises calls in time order.
 */
public final class CommandConsumer {
    private final CommandCosts costs;
    private long busyUntil;
    private long consumed;

    public CommandConsumer(CommandCosts costs) {
        this.costs = java.util.Objects.requireNonNull(costs, "costs");
    }

    public CommandCosts costs() {
        return costs;
    }

    /**
     * Entries made visible to the SMMU (the producer index written) at
     * {@code at}: returns when the last of them has been consumed (for a list
     * ending in a CMD_SYNC, when that sync completes).
     */
    public long consume(long at, List<? extends Command> entries) {
        long t = Math.max(at, busyUntil);
        for (Command c : entries) {
            t += costs.of(c.opcode());
        }
        consumed += entries.size();
        busyUntil = t;
        return t;
    }

    /** As {@link #consume(long, List)} for {@code count} entries of one kind (a calibration's stand-in list). */
    public long consume(long at, CommandOpcode op, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        long t = Math.max(at, busyUntil) + count * costs.of(op);
        consumed += count;
        busyUntil = t;
        return t;
    }

    /** The work queued ahead of an entry arriving at {@code at}, in ns. */
    public long backlogAt(long at) {
        return Math.max(0, busyUntil - at);
    }

    public long busyUntil() {
        return busyUntil;
    }

    public long consumed() {
        return consumed;
    }
}
