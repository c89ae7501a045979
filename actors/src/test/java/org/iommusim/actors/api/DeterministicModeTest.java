package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.exec.DeterministicRuntime;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterministicModeTest {

    @Test
    void aFacadeWorkloadRunsEntirelyOnTheCallingThread(@TempDir Path dir) {
        NativeLevelDb.load();
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            DeterministicWorkload.drive(sim);
            var exec = ModelInternals.deterministicRuntime(sim).executor();
            assertEquals(List.of(Thread.currentThread()), exec.runners(), "every task ran on the test thread");
            assertEquals(List.of(Thread.currentThread()), exec.submitters(), "every task was queued from it");
            assertTrue(exec.executed() > 1000, "the model did run: " + exec.executed() + " tasks");
            List<String> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive()).map(Thread::getName).sorted().toList();
            assertEquals(List.of(), started, "threads started while the model ran");
            assertEquals(List.of(), exec.uncaught());
        }
    }

    @Test
    void theSameWorkloadWritesTheSameBytes(@TempDir Path dir) {
        String a = DeterministicWorkload.runAndDigest(dir.resolve("a"));
        String b = DeterministicWorkload.runAndDigest(dir.resolve("b"));
        assertEquals(DeterministicWorkload.listing(dir.resolve("a")), DeterministicWorkload.listing(dir.resolve("b")));
        assertEquals(a, b);
    }

    @Test
    void theHostsCoreCountChangesNothing(@TempDir Path dir) throws Exception {
        String one = inChildJvm(1, dir.resolve("one"));
        String two = inChildJvm(2, dir.resolve("two"));
        assertEquals(one, two, "the same journal with 1 and with 2 processors");
        assertEquals(DeterministicWorkload.runAndDigest(dir.resolve("here")), one, "and as in this JVM");
    }

    @Test
    void runsInsideACallersDeterministicSystem(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir).withFsync(false).deterministic();
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        DeterministicRuntime runtime = DeterministicRuntime.fifo();
        ActorSystem<Void> mine = runtime.createSystem(Behaviors.empty(), "callers-own", PekkoEmbedding.config(opts));
        try {
            IommuSim sim = PekkoEmbedding.inside(mine, opts);
            assertTrue(sim.isDeterministic(), "found the runtime of the caller's system");
            Smmu smmu = DeterministicWorkload.attach(sim);
            assertEquals(DeterministicWorkload.PA, ((Translated) sim.translate(smmu,
                    TranslationRequest.of(1, DeterministicWorkload.IOVA, Access.READ))).outputAddress());
            sim.close();
            assertEquals(List.of(Thread.currentThread()), runtime.executor().runners());
        } finally {
            runtime.terminate(mine);
            journal.release();
        }
    }

    /** Runs {@link DeterministicWorkload#main} in a JVM that sees {@code cpus} processors; returns its digest. */
    private static String inChildJvm(int cpus, Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-XX:ActiveProcessorCount=" + cpus, "-Xmx256m", "-cp", cp,
                DeterministicWorkload.class.getName(), dir.toString()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
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
