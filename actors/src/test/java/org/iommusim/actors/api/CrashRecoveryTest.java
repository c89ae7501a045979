package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.actors.smmu.StreamEntity;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.persistence.stream.StreamState;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash at any point (issue M, point 6): a child JVM drives the model on a
 * LevelDB directory with fsync on ({@link CrashChild}) and is killed with
 * SIGKILL at a seeded random moment, sometimes while it is still starting
 * (recovering); then the model restarts on the same directory, must recover
 * within 60 s, and must hold every acknowledged change of every trial so far:
 * mapped pages present, unmapped ones absent, STEs and CDs as written, the
 * configuration a CFGI + CMD_SYNC loaded in force, and no cache entry for an
 * IOVA whose unmap and TLBI + CMD_SYNC were acknowledged (the IOTLB shards
 * are audited, and a translation of such an IOVA must fault, not hit).
 *
 * <p>{@code -Diommusim.crashTrials=N} and {@code -Diommusim.crashSeed=S}
 * rerun it longer or with another seed.
 */
class CrashRecoveryTest {
    private static final int TRIALS = Integer.getInteger("iommusim.crashTrials", 20);
    private static final long SEED = Long.getLong("iommusim.crashSeed", 0x5eedc0deL);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

    private record Started(IommuSim sim, Smmu smmu) {}

    @Test
    void killedAtAnyMomentTheModelRecoversEveryAcknowledgedChange(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Random rnd = new Random(SEED);
        System.out.println("CrashRecoveryTest: seed " + SEED + ", " + TRIALS + " trials");
        int acknowledged = 0;
        for (int t = 0; t < TRIALS; t++) {
            runAndKill(t, data, tmp, rnd);
            acknowledged += verify(data, tmp, t);
        }
        assertTrue(acknowledged >= TRIALS, "the children got work acknowledged before they were killed: "
                + acknowledged + " operations in " + TRIALS + " trials");
    }

    private static void runAndKill(int t, Path data, Path tmp, Random rnd) throws Exception {
        Path out = tmp.resolve("child-" + t + ".out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                data.toString(), ledger(tmp, t).toString(), Integer.toString(t), Long.toString(rnd.nextLong()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            // one kill in five lands while the child starts (recovers); the others while it works
            boolean duringStart = rnd.nextInt(5) == 0;
            long delayMs = duringStart ? 100 + rnd.nextInt(1500) : rnd.nextInt(1500);
            if (!duringStart) {
                awaitReady(child, out);
            }
            Thread.sleep(delayMs);
            if (!child.isAlive()) {
                fail("child " + t + " ended by itself (exit " + child.exitValue() + "):\n" + Files.readString(out));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child " + t + " did not die");
        }
    }

    private static void awaitReady(Process child, Path out) throws Exception {
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        while (!Files.readString(out).contains("READY")) {
            if (!child.isAlive()) {
                fail("child ended before serving (exit " + child.exitValue() + "):\n" + Files.readString(out));
            }
            if (System.nanoTime() > deadline) {
                fail("child did not recover within " + RECOVERY_BOUND + ":\n" + Files.readString(out));
            }
            Thread.sleep(20);
        }
    }

    /** Restarts on the directory and checks every trial's ledger; returns the number of acknowledged operations. */
    private static int verify(Path data, Path tmp, int lastTrial) throws Exception {
        ModelOptions opts = ModelOptions.at(data).withWorkers(CrashChild.WORKERS);
        CompletableFuture<Started> starting = CompletableFuture.supplyAsync(() -> {
            IommuSim sim = IommuSim.start(opts);
            try {
                return new Started(sim, sim.addSmmu(0, CrashChild.CAPS));
            } catch (RuntimeException e) {
                sim.close();
                throw e;
            }
        });
        Started s;
        try {
            s = starting.get(RECOVERY_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the restart after trial " + lastTrial + " did not recover within "
                    + RECOVERY_BOUND, e);
        }
        int acked = 0;
        try (IommuSim sim = s.sim()) {
            SmmuState smmuState = ModelInternals.smmuState(sim, s.smmu());
            List<IotlbEntry> cached = cachedEntries(sim, s.smmu());
            for (int t = 0; t <= lastTrial; t++) {
                List<CrashLedger.Entry> ledger = CrashLedger.read(ledger(tmp, t));
                if (t == lastTrial) {
                    acked = (int) ledger.stream().filter(CrashLedger.Entry::acked).count();
                    System.out.println("trial " + t + ": " + acked + " acknowledged, killed in "
                            + (ledger.size() > acked ? ledger.get(acked).op() : "nothing"));
                }
                check(sim, s.smmu(), smmuState, cached, CrashExpectation.of(t, ledger));
            }
        }
        return acked;
    }

    private static void check(IommuSim sim, Smmu smmu, SmmuState smmuState, List<IotlbEntry> cached,
            CrashExpectation e) {
        int t = e.trial();
        String where = "trial " + t + (e.pending() != null ? " (killed in: " + e.pending() + ")" : "");
        CrashExpectation.State a = e.acked();
        CrashExpectation.State w = e.withPending();

        Optional<PageTable> table = ModelInternals.pageTable(sim, DomainId.of(CrashChild.domain(t)));
        assertTrue(table.isPresent() == a.allocated || table.isPresent() == w.allocated,
                where + ": domain allocated is " + table.isPresent());
        for (long iova : e.iovas()) {
            Long pa = table.isPresent() && table.get().walk(iova) instanceof WalkResult.Leaf l ? l.outputAddress() : null;
            assertTrue(Objects.equals(pa, a.mapped.get(iova)) || Objects.equals(pa, w.mapped.get(iova)),
                    where + ": IOVA 0x" + Long.toHexString(iova) + " maps to " + hex(pa) + ", acknowledged "
                            + hex(a.mapped.get(iova)));
        }

        Set<Integer> sids = new HashSet<>(e.sids());
        sids.add(CrashChild.sid(t));
        for (int sid : sids) {
            StreamState memory = streamState(sim, smmu, sid);
            assertTrue(memory.ste().equals(a.memory.getOrDefault(sid, Ste.invalid()))
                    || memory.ste().equals(w.memory.getOrDefault(sid, Ste.invalid())),
                    where + ": STE of stream " + sid + " in memory is " + memory.ste());
            Ste inForce = smmuState.config().effective(sid).ste();
            assertTrue(inForce.equals(a.inForce.getOrDefault(sid, Ste.invalid()))
                    || inForce.equals(w.inForce.getOrDefault(sid, Ste.invalid())),
                    where + ": STE in force for stream " + sid + " is " + inForce);
        }
        if (a.cdWritten) {
            assertEquals(Optional.of(Cd.of(CrashChild.asid(t), DomainId.of(CrashChild.domain(t)))),
                    streamState(sim, smmu, CrashChild.sid(t)).cd(0), where + ": CD 0");
        }

        Set<Long> mustFault = new HashSet<>(a.invalidated);
        mustFault.retainAll(w.invalidated);
        for (long iova : mustFault) {
            for (IotlbEntry entry : cached) {
                assertFalse(entry.kind() == IotlbEntry.Kind.STAGE1 && entry.asid() == CrashChild.asid(t)
                        && entry.covers(iova), where + ": the IOTLB holds " + entry + " after its TLBI + CMD_SYNC "
                        + "was acknowledged");
            }
            TranslationResult r = sim.translate(smmu, TranslationRequest.of(CrashChild.sid(t), iova + 8, Access.READ));
            assertFalse(r instanceof Translated, where + ": IOVA 0x" + Long.toHexString(iova)
                    + " unmapped and invalidated, yet translated: " + r);
        }

        Ste s1 = CrashChild.ste("S1");
        boolean configured = s1.equals(a.inForce.get(CrashChild.sid(t))) && s1.equals(w.inForce.get(CrashChild.sid(t)));
        for (var m : a.mapped.entrySet()) {
            if (configured && m.getValue().equals(w.mapped.get(m.getKey()))) {
                TranslationResult r = sim.translate(smmu,
                        TranslationRequest.of(CrashChild.sid(t), m.getKey() + 8, Access.READ));
                assertEquals(m.getValue() + 8, assertInstanceOf(Translated.class, r, where).outputAddress(),
                        where + ": IOVA 0x" + Long.toHexString(m.getKey()));
            }
        }
    }

    private static StreamState streamState(IommuSim sim, Smmu smmu, int sid) {
        return AskPattern.<SmmuNode.Command, StreamState>ask(smmu.node,
                r -> new SmmuNode.ToStream(sid, new StreamEntity.GetStream(r)), Duration.ofSeconds(30),
                ModelInternals.actorSystem(sim).scheduler()).toCompletableFuture().join();
    }

    private static List<IotlbEntry> cachedEntries(IommuSim sim, Smmu smmu) {
        List<IotlbEntry> all = new ArrayList<>();
        for (var worker : smmu.handles.pool().workers()) {
            TranslationWorker.ShardReport report = AskPattern.<TranslationWorker.Command, TranslationWorker.ShardReport>ask(
                    worker, TranslationWorker.GetShard::new, Duration.ofSeconds(30), ModelInternals.actorSystem(sim).scheduler())
                    .toCompletableFuture().join();
            report.tbus().forEach(t -> all.addAll(t.snapshot().entries()));
        }
        return all;
    }

    private static Path ledger(Path tmp, int t) {
        return tmp.resolve("acks-" + t + ".log");
    }

    private static String hex(Long v) {
        return v == null ? "nothing" : "0x" + Long.toHexString(v);
    }

}
