package org.iommusim.simulations.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.iommusim.cluster.ClusterDriver;
import org.iommusim.cluster.ClusterNode;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.cluster.Nodes;
import org.iommusim.simulations.cli.IommuSimCli;
import org.iommusim.simulations.cli.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The pipelined load on a real cluster node (H2 journal): every command sent
 * is answered exactly once, no lane ever has two commands outstanding, the
 * partitions end in the state the commands imply, and the answers arrive on
 * Pekko's threads (not a thread per answer). Lanes outside 1-1024 are refused.
 */
class PipelinedLoadTest {
    static final int SMMUS = 3;
    static final int LANES = 8;
    /** Ten pages each: map, unmap, TLBI + CMD_SYNC. */
    static final long PER_LANE = 10L * PipelinedLoad.STEPS;

    @Test
    void everyCommandIsAnsweredOnceWithinTheLanes(@TempDir Path dir) {
        JdbcJournal h2 = new JdbcJournal("jdbc:h2:mem:pipelined;DB_CLOSE_DELAY=-1", "sa", "");
        h2.createSchema();
        h2.truncate();
        try (Nodes nodes = Nodes.start(1, h2, dir)) {
            ClusterNode node = nodes.nodes.get(0);
            for (int s = 0; s < SMMUS; s++) {
                new ClusterDriver(node, s).attach();
            }
            AtomicIntegerArray outstanding = new AtomicIntegerArray(LANES);
            AtomicLongArray seq = new AtomicLongArray(LANES);
            AtomicInteger overLane = new AtomicInteger();
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            PipelinedLoad load = new PipelinedLoad(LANES, SMMUS, (lane, smmu, request) -> {
                if (outstanding.incrementAndGet(lane) > 1) {
                    overLane.incrementAndGet();
                }
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                String key = lane + "#" + seq.getAndIncrement(lane);
                // the load's own callback runs on what this returns, so after this bookkeeping
                return node.ask(smmu, request).whenComplete((r, e) -> {
                    threads.add(Thread.currentThread().getName());
                    inFlight.decrementAndGet();
                    outstanding.decrementAndGet(lane);
                    answers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                });
            });
            load.start(PER_LANE);
            PipelinedLoad.Outcome outcome = load.await();

            assertNull(outcome.firstFailure());
            assertEquals(0, outcome.failed());
            assertEquals(LANES * PER_LANE, outcome.sent());
            assertEquals(LANES * PER_LANE, outcome.done());
            assertEquals(LANES * PER_LANE, answers.size(), "one answer per command sent");
            assertTrue(answers.values().stream().allMatch(a -> a.get() == 1), "every command answered once");
            assertEquals(0, overLane.get(), "a lane had two commands outstanding");
            assertTrue(maxInFlight.get() <= LANES && outcome.maxInFlight() <= LANES,
                    maxInFlight.get() + " / " + outcome.maxInFlight() + " in flight with " + LANES + " lanes");
            // where Pekko completed the ask, or here when the answer came before the callback was attached;
            // never a thread started for the callback (Scala's wrapper on a 2-core machine: one per answer)
            String here = Thread.currentThread().getName();
            assertTrue(threads.stream().allMatch(t -> t.startsWith("iommu-sim-") || t.equals(here)),
                    "answers completed on Pekko's threads or the sender's only: " + threads);

            // each lane unmapped and invalidated every page it mapped: no leaf left, one sync per page
            for (int s = 0; s < SMMUS; s++) {
                int lanesHere = (LANES - s + SMMUS - 1) / SMMUS;
                String line = new ClusterDriver(node, s).describe();
                long syncs = 1 + lanesHere * PER_LANE / PipelinedLoad.STEPS;
                assertTrue(line.contains(" syncs=" + syncs + " "), "smmu-" + s + ": " + line);
                assertTrue(line.endsWith("/0"), "smmu-" + s + " has no page left mapped: " + line);
            }
        }
    }

    @Test
    void lanesOutsideOneTo1024AreRefused() {
        for (int bad : new int[] {0, -1, 1025}) {
            UserError e = assertThrows(UserError.class, () -> new PipelinedLoad(bad, 1, (l, s, r) -> null));
            assertEquals("--lanes must be 1 to 1024 (commands kept in flight), got " + bad, e.getMessage());
        }
        assertEquals(1, PipelinedLoad.checkLanes(1));
        assertEquals(1024, PipelinedLoad.checkLanes(1024));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = IommuSimCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("cluster", "--cluster", "no-such.conf", "--bench", "1", "--lanes", "1025");
        assertEquals(2, code, out + " " + err);
        assertTrue(err.toString().contains("--lanes must be 1 to 1024 (commands kept in flight), got 1025"), err.toString());
    }

    @Test
    void theRawLoopsFloorKeepsTheJournalsKeyTheBareOneDoesNot() throws Exception {
        JdbcJournal h2 = new JdbcJournal("jdbc:h2:mem:raw-floor;DB_CLOSE_DELAY=-1", "sa", "");
        h2.createSchema();
        byte[] payload = {1, 2, 3};
        java.util.List<org.iommusim.persistence.replay.StoredRecords.Row> rows = java.util.List.of(
                new org.iommusim.persistence.replay.StoredRecords.Row("smmu-0", 1, 1000, "E", payload, "w", 1),
                new org.iommusim.persistence.replay.StoredRecords.Row("smmu-0", 2, 1000, "E", payload, "w", 2));
        assertTrue(ClusterBench.rawInsert(h2, rows, 500, true) > 0);
        assertTrue(ClusterBench.rawInsert(h2, rows, 500, false) > 0);
        // the same persistence id and sequence number twice: a journal refuses it, so the keyed floor must too
        java.util.List<org.iommusim.persistence.replay.StoredRecords.Row> twice = java.util.List.of(rows.get(0),
                rows.get(0));
        assertThrows(java.sql.SQLException.class, () -> ClusterBench.rawInsert(h2, twice, 500, true));
        assertTrue(ClusterBench.rawInsert(h2, twice, 500, false) > 0, "a bare heap takes anything");
    }

    @Test
    void smmusOutsideOneTo512AreRefused() {
        for (int bad : new int[] {0, -3, 513}) {
            UserError e = assertThrows(UserError.class, () -> ClusterBench.checkSmmus(bad));
            assertEquals("--smmus must be 1 to 512 (SMMU partitions the benchmark drives), got " + bad, e.getMessage());
        }
        assertEquals(512, ClusterBench.checkSmmus(512));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = IommuSimCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("cluster", "--cluster", "no-such.conf", "--bench", "1", "--smmus", "0");
        assertEquals(2, code, out + " " + err);
        assertTrue(err.toString().contains("--smmus must be 1 to 512 (SMMU partitions the benchmark drives), got 0"),
                err.toString());
    }
}
