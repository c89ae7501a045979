package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.Mailbox;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.simulations.report.ReportWriter;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.DriverDef;
import org.iommusim.simulations.scenario.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulation in deterministic mode: the model on the scheduler's thread in
 * virtual time, the same journal for the same scenario and seed whatever the
 * host, a seeded interleaving of actor turns that reproduces itself.
 */
class DeterministicSimulationTest {

    /** Two devices (a NIC ring and random DMA), the lazy driver: maps, unmaps, flushes, misses and hits. */
    static Scenario scenario() {
        return TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.LAZY), 1200, List.of());
    }

    private static SimulationReport run(Scenario sc, Path dir, RunMode mode, RunObserver observer) throws IOException {
        try (RunFolder folder = RunFolder.claim(dir, false)) {
            return Simulation.run(sc, folder, mode, p -> {}, observer);
        }
    }

    /**
     * A crash and restart in deterministic mode: the restarted model's stream
     * recovery and id flushes asked with Pekko's context ask, whose answer came
     * back on a common-pool thread and raced the runtime (an ask timed out in
     * virtual time). Every task of every model must be queued from this thread.
     */
    @Test
    void aRestartedModelStillRunsEveryTaskFromTheCallingThread(@TempDir Path dir) throws Exception {
        List<IommuSim> models = new ArrayList<>();
        RunObserver keep = new RunObserver() {
            @Override
            public void modelStarted(IommuSim model) {
                models.add(model);
            }
        };
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 1200,
                List.of(new org.iommusim.simulations.scenario.FaultInjection(
                        org.iommusim.simulations.scenario.FaultInjection.Kind.CRASH, 600))), dir,
                RunMode.DETERMINISTIC, keep);
        assertEquals(1200, r.run().operations());
        assertEquals(2, models.size(), "the model was started again after the crash");
        for (IommuSim m : models) {
            assertEquals(List.of(Thread.currentThread()), ModelInternals.deterministicRuntime(m).executor().submitters(),
                    "every task was queued from the scheduler's thread");
        }
    }

    @Test
    void theSameScenarioAndSeedGiveTheSameJournalAndReportTwiceInOneJvmAllOnTheCallingThread(@TempDir Path dir)
            throws Exception {
        List<IommuSim> models = new ArrayList<>();
        RunObserver keep = new RunObserver() {
            @Override
            public void modelStarted(IommuSim model) {
                models.add(model);
            }
        };
        SimulationReport a = run(scenario(), dir.resolve("a"), RunMode.DETERMINISTIC, keep);
        SimulationReport b = run(scenario(), dir.resolve("b"), RunMode.DETERMINISTIC, RunObserver.NONE);
        assertEquals(0, a.checker().violationCount(), () -> a.checker().violations().toString());
        assertEquals(a.eventDigest(), b.eventDigest());
        assertEquals(ReportWriter.json(a), ReportWriter.json(b), "the whole report but where and how long");
        assertEquals("deterministic", a.mode());
        var exec = ModelInternals.deterministicRuntime(models.get(0)).executor();
        assertEquals(List.of(Thread.currentThread()), exec.runners(), "every actor turn ran on the scheduler's thread");
        assertEquals(List.of(Thread.currentThread()), exec.submitters(), "and was queued from it");
        assertTrue(exec.executed() > 1_000, "the model did run: " + exec.executed() + " tasks");
    }

    @Test
    void theHostsProcessorCountChangesNothing(@TempDir Path dir) throws Exception {
        String one = inChildJvm(1, dir.resolve("one"));
        String two = inChildJvm(2, dir.resolve("two"));
        assertEquals(one, two, "the same digest with 1 and with 2 processors");
        assertEquals(run(scenario(), dir.resolve("here"), RunMode.DETERMINISTIC, RunObserver.NONE).eventDigest(), one,
                "and as in this JVM");
    }

    /** The actor turns of a run, each named {@code path#k} (the k-th turn of that actor), in the order they ran. */
    private static List<String> turns(Path dir, RunMode mode, String[] digest) throws IOException {
        List<String> turns = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        SimulationReport r = run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 300, List.of()),
                dir, mode, new RunObserver() {
                    @Override
                    public void modelStarted(IommuSim model) {
                        ModelInternals.deterministicRuntime(model).executor().observe(task -> {
                            if (task instanceof Mailbox m) {
                                // Pekko numbers some system actors by a JVM-wide count of systems: not an order
                                String actor = m.actor().self().path().toStringWithoutAddress()
                                        .replaceAll("^(/system/.*)-\\d+", "$1-N");
                                turns.add(actor + "#" + seen.merge(actor, 1, Integer::sum));
                            }
                        });
                    }
                });
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        digest[0] = r.eventDigest();
        return turns;
    }

    @Test
    void anInterleavingSeedReordersActorTurnsAndReproducesItself(@TempDir Path dir) throws Exception {
        String[] d1 = new String[1];
        String[] d1again = new String[1];
        String[] d2 = new String[1];
        List<String> one = turns(dir.resolve("1"), RunMode.interleaved(1), d1);
        List<String> oneAgain = turns(dir.resolve("1-again"), RunMode.interleaved(1), d1again);
        List<String> two = turns(dir.resolve("2"), RunMode.interleaved(2), d2);
        assertTrue(one.size() > 1000, "the model ran: " + one.size() + " turns");
        assertEquals(-1, firstDifference(one, oneAgain), () -> "a seed reproduces its interleaving, turn for turn: "
                + around(one, firstDifference(one, oneAgain)) + " vs " + around(oneAgain, firstDifference(one, oneAgain)));
        assertEquals(d1[0], d1again[0], "and its journal");
        String[] pair = reorderedPair(one, two);
        assertNotNull(pair, "seed 2 runs at least one pair of turns in the other order than seed 1");
        assertNotEquals(pair[0].substring(0, pair[0].indexOf('#')), pair[1].substring(0, pair[1].indexOf('#')),
                "two actors' turns: " + pair[0] + " before " + pair[1] + " with seed 1, after with seed 2");
    }

    /**
     * Two turns, of two actors, that ran in one order in {@code a} and in the other in {@code b}: the first
     * adjacent pair of {@code a}'s turns (among those both ran) whose order {@code b} reverses; null if none.
     */
    static String[] reorderedPair(List<String> a, List<String> b) {
        Map<String, Integer> inB = new HashMap<>();
        for (int i = 0; i < b.size(); i++) {
            inB.put(b.get(i), i);
        }
        String prev = null;
        for (String t : a) {
            Integer at = inB.get(t);
            if (at == null) {
                continue;
            }
            if (prev != null && inB.get(prev) > at && !actor(prev).equals(actor(t))) {
                return new String[] {prev, t};
            }
            prev = t;
        }
        return null;
    }

    /** The first index where the two lists differ, -1 if they are equal. */
    private static int firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return i;
            }
        }
        return a.size() == b.size() ? -1 : Math.min(a.size(), b.size());
    }

    private static String around(List<String> turns, int i) {
        return "turn " + i + " of " + turns.size() + ": " + turns.subList(Math.max(0, i - 3), Math.min(turns.size(), i + 4));
    }

    private static String actor(String turn) {
        return turn.substring(0, turn.indexOf('#'));
    }

    @Test
    void theLazyFlushTimerFiresAtExactlyTenMillisecondsOfVirtualTimeWithTheModelThere(@TempDir Path dir)
            throws Exception {
        // a flush queue that never fills: only the 10 ms timer flushes; a NIC at one packet per 100 us
        DriverDef lazy = new DriverDef(DriverDef.Strategy.LAZY, DriverDef.Invalidation.RANGE, 512, 64, 1_000_000,
                10_000_000L, 1, DriverDef.Stage2Invalidation.S12_VMALL);
        Scenario sc = TestScenarios.paced(lazy, 35_000_000L, 100_000L);
        List<long[]> fired = new ArrayList<>();
        IommuSim[] model = new IommuSim[1];
        SimulationReport r = run(sc, dir, RunMode.DETERMINISTIC, new RunObserver() {
            @Override
            public void modelStarted(IommuSim m) {
                model[0] = m;
            }

            @Override
            public void lazyTimer(int cpu, long oldestAt, long at) {
                fired.add(new long[] {oldestAt, at, model[0].virtualNanos()});
            }
        });
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(fired.size() >= 3, "35 ms of virtual time: the 10 ms timer fired " + fired.size() + " times");
        for (long[] f : fired) {
            assertEquals(f[0] + 10_000_000L, f[1], "due exactly 10 ms after the oldest unmap it holds");
            assertEquals(f[1], f[2], "the model's virtual clock is exactly there when it fires");
        }
        assertTrue(r.checker().staleUses() > 0, "late DMA went through before the flushes");
        // exposure lasts until the timer's flush has completed: 10 ms, plus the flush's commands and CMD_SYNC
        assertTrue(r.staleWindow().maxNs() >= 10_000_000L && r.staleWindow().maxNs() <= 10_010_000L,
                "exposed until the timer's flush, no longer: " + r.staleWindow().maxNs());
        // nothing read the wall clock: every journal record is stamped with virtual time (ms), none near 1.8e12
        long last = 0;
        try (JournalReader reader = JournalReader.open(dir.resolve("journal")); EventCursor events = reader.allEvents()) {
            while (events.hasNext()) {
                last = Math.max(last, events.next().timestamp());
            }
        }
        assertTrue(last >= 30 && last <= 1_000, "journal stamped in virtual ms (the run is 35 ms): latest " + last);
        assertFalse(fired.isEmpty());
    }

    /** Runs {@link SimulationChild} in a JVM that sees {@code cpus} processors; returns its digest. */
    private static String inChildJvm(int cpus, Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-XX:ActiveProcessorCount=" + cpus, "-Xmx512m", "-cp", cp,
                SimulationChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        }
        // a guard against a wedged child, not a timing assertion
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + String.join("\n", lines));
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertTrue(last.startsWith("digest "), "child JVM output:\n" + String.join("\n", lines));
        return last.substring("digest ".length());
    }
}
