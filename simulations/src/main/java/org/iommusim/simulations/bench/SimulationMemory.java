package org.iommusim.simulations.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryPoolMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioLoader;

/**
 * Does a long simulation fit in a small heap? Runs a scenario (quickstart by
 * default) for {@code operations} in a child JVM started with a given
 * {@code -Xmx} (issue I: 10,000,000 operations in {@code -Xmx1g}) and
 * reports whether it completed, how long it took, and the most heap found
 * in use after a collection; a full collection forced every 30 s shows the
 * live set as the run goes on (which slows the run a little: this is not a
 * speed figure).
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.SimulationMemory
 * [OPERATIONS [XMX [SCENARIO]]]} (defaults 10000000, 1g, conf/scenarios/quickstart.conf).
 */
public final class SimulationMemory {
    private SimulationMemory() {}

    /**
     * What the child JVM reported.
     *
     * @param exitCode              the child's exit code (0: the run completed)
     * @param operations            operations the run did
     * @param translationsChecked   translations the checker validated
     * @param violations            checker violations
     * @param wallSeconds           the run's wall-clock time as the report gives it
     * @param maxUsedAfterGcBytes   the most heap in use right after any collection
     * @param maxLiveAfterFullGcBytes the most heap in use right after a full collection (0: none happened)
     * @param liveMiBEvery30s       the live heap (MiB, after a full collection forced every 30 s), comma-separated
     * @param output                every line the child printed
     */
    public record Result(int exitCode, long operations, long translationsChecked, long violations, double wallSeconds,
            long maxUsedAfterGcBytes, long maxLiveAfterFullGcBytes, String liveMiBEvery30s, List<String> output) {
        public boolean completed(long expectedOperations) {
            return exitCode == 0 && operations == expectedOperations;
        }

        public String summary() {
            return String.format(Locale.ROOT, "%,d operations, %,d translations checked, %d violations, %.1f s;"
                    + " heap after GC at most %,d MiB; live (after a full GC) at most %,d MiB, every 30 s: [%s] MiB",
                    operations, translationsChecked, violations, wallSeconds, maxUsedAfterGcBytes >> 20,
                    maxLiveAfterFullGcBytes >> 20, liveMiBEvery30s);
        }
    }

    public static void main(String[] args) throws Exception {
        long operations = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        String xmx = args.length > 1 ? args[1] : "1g";
        Path scenario = Path.of(args.length > 2 ? args[2] : "conf/scenarios/quickstart.conf");
        Result r = run(scenario, operations, xmx);
        System.out.println((r.completed(operations) ? "completed in -Xmx" : "FAILED in -Xmx") + xmx + ": "
                + r.summary());
        if (!r.completed(operations)) {
            r.output().forEach(System.out::println);
            System.exit(1);
        }
    }

    /** Runs {@code scenario} for {@code operations} in a child JVM with {@code -Xmx<xmx>}, in a fresh folder. */
    public static Result run(Path scenario, long operations, String xmx) throws IOException, InterruptedException {
        Path out = Files.createTempDirectory("iommu-sim-memory");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-XX:+UseParallelGC"));
            for (String p : List.of("config.file", "logback.configurationFile", "iommusim.home")) {
                if (System.getProperty(p) != null) {
                    cmd.add("-D" + p + "=" + System.getProperty(p));
                }
            }
            cmd.addAll(List.of("-cp", cp, Child.class.getName(), scenario.toString(), Long.toString(operations),
                    out.resolve("run").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            }
            int exit = p.waitFor();
            Map<String, String> fig = new HashMap<>();
            for (String line : lines) {
                if (line.startsWith(Child.PREFIX)) {
                    for (String kv : line.substring(Child.PREFIX.length()).trim().split(" ")) {
                        int eq = kv.indexOf('=');
                        if (eq > 0) {
                            fig.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                }
            }
            return new Result(exit, Long.parseLong(fig.getOrDefault("operations", "-1")),
                    Long.parseLong(fig.getOrDefault("translationsChecked", "-1")),
                    Long.parseLong(fig.getOrDefault("violations", "-1")),
                    Double.parseDouble(fig.getOrDefault("wallSeconds", "-1")),
                    Long.parseLong(fig.getOrDefault("maxUsedAfterGc", "-1")),
                    Long.parseLong(fig.getOrDefault("maxLiveAfterFullGc", "-1")),
                    fig.getOrDefault("liveMiBEvery30s", ""), List.copyOf(lines));
        } finally {
            DomainMapBench.deleteTree(out);
        }
    }

    /** The child JVM: one run, then one line of figures. */
    public static final class Child {
        static final String PREFIX = "simulation-memory:";
        private static final long LIVE_SAMPLE_MILLIS = 30_000;

        private Child() {}

        public static void main(String[] args) throws Exception {
            Scenario sc = ScenarioLoader.load(Path.of(args[0]), List.of("length.operations = " + args[1]));
            Set<String> heapPools = new HashSet<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPools.add(pool.getName());
                }
            }
            AtomicLong maxAfterGc = new AtomicLong();
            AtomicLong maxAfterFull = new AtomicLong();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> heapPools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                    maxAfterGc.accumulateAndGet(used, Math::max);
                    if (info.getGcAction().contains("major")) {
                        maxAfterFull.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
            // a full collection now and then shows the live set as the run goes on (not a speed figure)
            List<Long> live = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread sampler = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(LIVE_SAMPLE_MILLIS);
                        System.gc();
                        live.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "live-heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            SimulationReport r = Simulation.run(sc, Path.of(args[2]), false, p -> {});
            sampler.interrupt();
            sampler.join();
            long maxLive = Math.max(maxAfterFull.get(), live.stream().mapToLong(Long::longValue).max().orElse(0));
            System.out.println(PREFIX + " liveMiBEvery" + LIVE_SAMPLE_MILLIS / 1000 + "s=" + String.join(",",
                    live.stream().map(b -> Long.toString(b >> 20)).toList()));
            System.out.println(PREFIX + " operations=" + r.run().operations()
                    + " translationsChecked=" + r.checker().translationsChecked()
                    + " violations=" + r.checker().violationCount()
                    + " wallSeconds=" + r.run().wallSeconds()
                    + " maxUsedAfterGc=" + maxAfterGc.get() + " maxLiveAfterFullGc=" + maxLive);
        }
    }
}
