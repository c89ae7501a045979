package org.iommusim.persistence.timing;

import java.util.List;
import org.iommusim.protocol.command.Command;

/**
 * One SMMU's command queue as {@code cpus} CPUs share it under Linux's scheme,
 * in virtual time: lock-free insertion on the queue's cache line (contended:
 * see {@link CmdqCosts}), owner gathering (a CPU inserting while another owns
 * the queue leaves its entries for the owner's single producer-index write),
 * then the SMMU's {@link CommandConsumer}: a CMD_SYNC completes when every
 * entry before it has been consumed. A CPU waiting for its sync holds the
 * shared lock; the accesses for that are part of the line's count. Calls
 * come in time order (the caller's scheduler guarantees it).
 */
public final class SharedCmdq {
    private final CmdqCosts costs;
    private final CommandConsumer consumer;
    private final int cpus;
    private long lineFree;
    private long ownerFree = -1;
    private long submissions;
    private long gathered;
    private boolean lastGathered;

    /** When one submission's entries were inserted, seen by the SMMU, and consumed (its CMD_SYNC completed). */
    public record Submission(long at, long inserted, long doorbell, long completed, boolean gathered) {
        /** From the start of the call to the last entry consumed: a CMD_SYNC's latency as its CPU waits it. */
        public long latency() {
            return completed - at;
        }
    }

    public SharedCmdq(CmdqCosts costs, CommandConsumer consumer, int cpus) {
        if (cpus < 1) {
            throw new IllegalArgumentException("a command queue needs at least one CPU submitting, got " + cpus);
        }
        this.costs = java.util.Objects.requireNonNull(costs, "costs");
        this.consumer = java.util.Objects.requireNonNull(consumer, "consumer");
        this.cpus = cpus;
    }

    /** A CPU submits {@code entries} at {@code at}. */
    public Submission submit(long at, List<? extends Command> entries) {
        long inserted = insert(at);
        long doorbell = doorbell(inserted);
        return new Submission(at, inserted, doorbell, consumer.consume(doorbell, entries), lastGathered);
    }

    /** As {@link #submit} for {@code count} entries of one kind and then {@code syncs} CMD_SYNCs. */
    public Submission submit(long at, org.iommusim.protocol.command.CommandOpcode op, int count, int syncs) {
        long inserted = insert(at);
        long doorbell = doorbell(inserted);
        consumer.consume(doorbell, op, count);
        long done = consumer.consume(doorbell, org.iommusim.protocol.command.CommandOpcode.CMD_SYNC, syncs);
        return new Submission(at, inserted, doorbell, done, lastGathered);
    }

    /** The lock-free insertion: the line's accesses, more for each CPU queued on it ahead of this one. */
    private long insert(long at) {
        if (costs.perCpuQueues()) {
            submissions++;
            return at + costs.lineAccesses() * costs.lineNs(); // the CPU's own queue: nothing to contend for
        }
        double perSubmission = Math.max(1, costs.lineAccesses()) * (double) costs.lineNs();
        double ahead = perSubmission == 0 ? 0 : Math.max(0, lineFree - at) / perSubmission;
        double contenders = Math.min(cpus - 1, ahead);
        long hold = Math.round((costs.lineAccesses() + costs.retryPerContender() * contenders) * costs.lineNs());
        long start = Math.max(at, lineFree);
        lineFree = start + hold;
        submissions++;
        return lineFree;
    }

    /** Owner gathering: an insertion while the owner holds the queue rides on its producer-index write. */
    private long doorbell(long inserted) {
        if (costs.perCpuQueues()) {
            lastGathered = false;
            return inserted + costs.doorbellNs();
        }
        lastGathered = inserted < ownerFree;
        if (lastGathered) {
            gathered++;
            return ownerFree;
        }
        ownerFree = inserted + costs.doorbellNs();
        return ownerFree;
    }

    public CommandConsumer consumer() {
        return consumer;
    }

    public long submissions() {
        return submissions;
    }

    /** Submissions whose entries another CPU's producer-index write carried. */
    public long gathered() {
        return gathered;
    }
}
