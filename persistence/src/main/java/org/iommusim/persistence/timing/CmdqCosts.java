package org.iommusim.persistence.timing;

/**
 * The CPU side of Linux's command-queue submission
 * ({@code arm_smmu_cmdq_issue_cmdlist}): every submission touches the queue's
 * shared cache line ({@code llq} prod/cons and the lock word) about
 * {@code lineAccesses} times (the lock-free cmpxchg of prod, the shared lock
 * taken around the CMD_SYNC wait and its release, the owner's hand-over), each
 * access holding the line for {@code lineNs}. When other CPUs are queued on the
 * line ahead of a submission, its cmpxchg loops fail and go round again:
 * {@code retryPerContender} extra accesses per CPU ahead. The owner (the CPU
 * that finds no owner) gathers what others insert while it holds ownership and
 * writes the producer index once ({@code doorbellNs}).
 *
 * <p>Defaults: the driver after John Garry's 2020 lock rework (shared lock by
 * atomic increment, few retries); {@link #beforeLockRework()} the driver
 * before it (shared lock by cmpxchg loop). Both calibrated against Garry's
 * map+unmap figures on 8 to 64 CPUs (docs/VALIDATION.md).
 *
 * <p>{@code perCpuQueues}: each CPU has its own command queue (ECMDQ-style,
 * SMMUv3.3), so insertion contends for nothing and each CPU writes its own
 * producer index; the SMMU still consumes all queues with one engine. For
 * comparison with the shared queue; Linux's driver uses the shared one.
 */
public record CmdqCosts(long lineNs, int lineAccesses, double retryPerContender, long doorbellNs,
        boolean perCpuQueues) {

    /** Linux's one shared queue. */
    public CmdqCosts(long lineNs, int lineAccesses, double retryPerContender, long doorbellNs) {
        this(lineNs, lineAccesses, retryPerContender, doorbellNs, false);
    }

    public CmdqCosts {
        if (lineNs < 0 || lineAccesses < 0 || retryPerContender < 0 || doorbellNs < 0) {
            throw new IllegalArgumentException("command-queue costs must be >= 0");
        }
    }

    public static CmdqCosts defaults() {
        return new CmdqCosts(60, 6, 0.02, 60);
    }

    public static CmdqCosts beforeLockRework() {
        return new CmdqCosts(60, 6, 0.25, 60);
    }

    /** The same costs with {@code retry} extra accesses per contender. */
    public CmdqCosts withRetryPerContender(double retry) {
        return new CmdqCosts(lineNs, lineAccesses, retry, doorbellNs, perCpuQueues);
    }

    /** The same costs with one queue per CPU (ECMDQ-style). */
    public CmdqCosts withPerCpuQueues() {
        return new CmdqCosts(lineNs, lineAccesses, retryPerContender, doorbellNs, true);
    }
}
