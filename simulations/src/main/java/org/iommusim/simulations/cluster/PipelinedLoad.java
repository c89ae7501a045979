package org.iommusim.simulations.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.cluster.PartitionCommand;
import org.iommusim.cluster.PartitionReply;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapSegment;
import org.iommusim.simulations.cli.UserError;

/**
 * A pipelined load on the SMMU partitions: {@code lanes} lanes, each keeping
 * exactly one durable command outstanding and sending its next one from the
 * answer's callback, no thread per lane. So a load measures throughput (many
 * commands in flight, which the journal can commit together) rather than one
 * round trip at a time.
 *
 * <p>Lane {@code l} works on SMMU {@code l mod smmus}, in the domain and
 * stream {@code ClusterDriver.attach} set up there (domain {@code 100 + smmu},
 * ASID {@code 1 + smmu}), on its own {@link #PAGES} pages, none shared with
 * another lane or with {@code ClusterDriver}'s: it maps a page, unmaps it,
 * invalidates it with TLBI + CMD_SYNC, then the next page. Each of those is
 * one durable command, answered only once its events are written.
 */
final class PipelinedLoad {
    static final int DEFAULT_LANES = 512;
    static final int MAX_LANES = 1024;
    /** Pages each lane cycles through. */
    static final int PAGES = 16;
    /** Commands per page: map, unmap, TLBI + CMD_SYNC. */
    static final int STEPS = 3;

    /** Where a lane's request goes: to SMMU {@code smmu}'s partition, through the lane's node. */
    interface Sender {
        CompletableFuture<PartitionReply> send(int lane, int smmu,
                Function<ActorRef<PartitionReply>, PartitionCommand> request);
    }

    /** What a load did: commands sent and answered, the most in flight at once, the first failure if any. */
    record Outcome(long sent, long done, long failed, int maxInFlight, String firstFailure) {}

    private final int lanes;
    private final int smmus;
    private final Sender sender;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final List<CompletableFuture<Void>> finished = new ArrayList<>();

    PipelinedLoad(int lanes, int smmus, Sender sender) {
        this.lanes = checkLanes(lanes);
        if (smmus < 1) {
            throw new IllegalArgumentException("a pipelined load needs at least one SMMU, got " + smmus);
        }
        this.smmus = smmus;
        this.sender = sender;
    }

    /** {@code lanes} when 1 to {@link #MAX_LANES}; otherwise refused, naming the option and the range. */
    static int checkLanes(int lanes) {
        if (lanes < 1 || lanes > MAX_LANES) {
            throw new UserError("--lanes must be 1 to " + MAX_LANES + " (commands kept in flight), got " + lanes);
        }
        return lanes;
    }

    static long iova(int lane, int page) {
        // above ClusterDriver's 64 pages at 0x4000_0000
        return 0x5000_0000L + ((long) lane * PAGES + page) * 0x1000L;
    }

    /**
     * Starts every lane; each sends until {@link #stop} or until it sent
     * {@code perLane} commands ({@code Long.MAX_VALUE}: until stopped), and
     * stops at its first refusal or failure.
     */
    void start(long perLane) {
        for (int l = 0; l < lanes; l++) {
            CompletableFuture<Void> end = new CompletableFuture<>();
            finished.add(end);
            next(l, 0, perLane, end);
        }
    }

    /** No lane sends again; the commands in flight still get their answers. */
    void stop() {
        stop.set(true);
    }

    /** Commands answered done so far (a benchmark's count after its warm-up). */
    long done() {
        return done.get();
    }

    /** Waits until every lane's last command is answered. */
    Outcome await() {
        CompletableFuture.allOf(finished.toArray(CompletableFuture[]::new)).join();
        return new Outcome(sent.get(), done.get(), failed.get(), maxInFlight.get(), firstFailure.get());
    }

    /** Lane {@code lane}'s command number {@code n}; the next one is sent from its answer. */
    private void next(int lane, long n, long perLane, CompletableFuture<Void> end) {
        if (stop.get() || n >= perLane) {
            end.complete(null);
            return;
        }
        int smmu = lane % smmus;
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        sent.incrementAndGet();
        CompletableFuture<PartitionReply> answer;
        try {
            answer = sender.send(lane, smmu, command(lane, smmu, n));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, error) -> {
            inFlight.decrementAndGet();
            if (error == null && reply instanceof PartitionReply.Done) {
                done.incrementAndGet();
                next(lane, n + 1, perLane, end);
                return;
            }
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, "lane " + lane + " (smmu-" + smmu + ") command " + n + ": "
                    + (error != null ? error : refusal((PartitionReply.Refused) reply)));
            end.complete(null);
        });
    }

    /** Lane {@code lane}'s command number {@code n}: map, unmap, TLBI + CMD_SYNC of its page {@code n / 3}. */
    /** A refusal as the report names it: the kind (JOURNAL_FAILED, ...) and the partition's reason. */
    private static String refusal(PartitionReply.Refused r) {
        return r.kind() + ": " + r.reason();
    }

    static Function<ActorRef<PartitionReply>, PartitionCommand> command(int lane, int smmu, long n) {
        long domain = 100 + smmu;
        long iova = iova(lane, (int) ((n / STEPS) % PAGES));
        return switch ((int) (n % STEPS)) {
            case 0 -> r -> new PartitionCommand.Map(domain, List.of(new MapSegment(iova,
                    0x9000_0000L + ((long) smmu << 32) + (iova - 0x5000_0000L), 0x1000, Prot.rw())), r);
            case 1 -> r -> new PartitionCommand.Unmap(domain, List.of(new UnmapSegment(iova, 0x1000)), r);
            default -> r -> new PartitionCommand.Submit(List.of(TlbiNhVa.of(0, 1 + smmu, iova, true).encode(),
                    CmdSync.poll().encode()), r);
        };
    }
}
