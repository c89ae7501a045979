package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapSegment;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs: this one (the oldest node) and a child started with
 * {@link ProcessBuilder}, sharing a journal in an H2 server and, when it
 * answers, PostgreSQL. A driver maps, translates (filling TLBs), unmaps and
 * invalidates (TLBI + CMD_SYNC) on SMMUs hosted on both nodes; the child is
 * killed with SIGKILL mid-run. The split-brain resolver downs it, its
 * partitions restart here from the journal, and then every page whose last
 * acknowledged command was a map translates, every page whose last
 * acknowledged command was an unmap + TLBI + CMD_SYNC faults (no invalidated
 * entry returns), and each domain's leaf count agrees.
 */
class NodeKillTest {
    static final int SMMUS = 4;

    static ModelOptions options(Path dir) {
        return new ModelOptions(dir, false, 2, 64, Duration.ofSeconds(20));
    }

    @Test
    void aKilledNodesPartitionsRestartHereWithEveryAcknowledgedCommand(@TempDir Path dir) throws Exception {
        org.h2.tools.Server h2 = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        try {
            run(new JdbcJournal("jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:kill;DB_CLOSE_DELAY=-1", "sa", "sa"),
                    dir, 11);
        } finally {
            h2.stop();
        }
    }

    @Test
    void onPostgres(@TempDir Path dir) throws Exception {
        run(Postgres.journal(), dir, 12);
    }

    private static void run(JdbcJournal journal, Path dir, long seed) throws Exception {
        journal.createSchema();
        journal.truncate();
        Random rnd = new Random(seed);
        try (ClusterNode here = ClusterNode.start(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0"),
                journal, k -> Workload.CAPS, options(dir.resolve("here")))) {
            here.join(here.address());
            Process child = startChild(journal, here, dir);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (here.membersUp() < 2 || here.regions() < 2) {
                    assertTrue(System.nanoTime() < deadline, "the child did not join: " + childOut(dir));
                    Thread.sleep(50);
                }
                Workload.Target t = here::call;
                List<String> ignored = new ArrayList<>();
                for (int s = 0; s < SMMUS; s++) {
                    Workload.attach(t, s, ignored);
                }
                Set<String> local = here.hostedPartitions();
                assertTrue(local.size() < SMMUS, "some partitions run on the child: here " + local);

                // page state by its last acknowledged command: true mapped, false unmapped and invalidated
                Map<String, Boolean> acked = new ConcurrentHashMap<>();
                for (int s = 0; s < SMMUS; s++) {
                    for (int p = 0; p < Workload.PAGES; p++) {
                        acked.put(s + "/" + p, true);
                    }
                }
                AtomicBoolean stop = new AtomicBoolean();
                Thread driver = new Thread(() -> drive(here, acked, stop, new Random(seed)), "driver");
                driver.start();
                Thread.sleep(1000 + rnd.nextInt(1500));
                child.destroyForcibly(); // SIGKILL on Linux
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
                Thread.sleep(200);
                stop.set(true);
                driver.join(TimeUnit.SECONDS.toMillis(90));
                assertFalse(driver.isAlive(), "the driver's last call got no answer");

                int checked = 0;
                for (int s = 0; s < SMMUS; s++) {
                    long leaves = 0;
                    for (int p = 0; p < Workload.PAGES; p++) {
                        Boolean mapped = acked.get(s + "/" + p);
                        if (mapped == null) {
                            continue; // its last command got no acknowledgement: either outcome is allowed
                        }
                        TranslationRequest req = TranslationRequest.of(1, Workload.iova(p), Access.READ);
                        int smmu = s;
                        String line = ClusterScenarios.retrying(
                                () -> here.call(smmu, r -> new PartitionCommand.Translate(req, r)).text());
                        assertEquals(!mapped, line.contains("F_TRANSLATION"), "smmu-" + s + " page " + p
                                + (mapped ? " mapped" : " unmapped and invalidated") + " before the kill: " + line);
                        leaves += mapped ? 1 : 0;
                        checked++;
                    }
                    String prefix = s + "/";
                    long unknown = Workload.PAGES - acked.keySet().stream().filter(k -> k.startsWith(prefix)).count();
                    String describe = Workload.describe(t, s);
                    long leafCount = Long.parseLong(describe.substring(describe.lastIndexOf('/') + 1));
                    assertTrue(leafCount >= leaves && leafCount <= leaves + unknown, describe + " vs " + leaves);
                }
                assertTrue(checked >= SMMUS * (Workload.PAGES - 1), checked + " pages checked");
                assertEquals(Set.of("smmu-0", "smmu-1", "smmu-2", "smmu-3"), here.hostedPartitions(),
                        "the survivor took over the killed node's partitions");
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** Maps and unmaps pages round robin until stopped; a failed call leaves its page unknown (removed). */
    private static void drive(ClusterNode node, Map<String, Boolean> acked, AtomicBoolean stop, Random rnd) {
        while (!stop.get()) {
            int s = rnd.nextInt(SMMUS);
            int p = rnd.nextInt(Workload.PAGES);
            String key = s + "/" + p;
            Boolean mapped = acked.get(key);
            if (mapped == null) {
                continue;
            }
            long d = Workload.domain(s);
            try {
                if (mapped) {
                    TranslationRequest req = TranslationRequest.of(1, Workload.iova(p), Access.READ);
                    node.call(s, r -> new PartitionCommand.Translate(req, r)); // the TBU's TLB holds it now
                    acked.remove(key);
                    node.call(s, r -> new PartitionCommand.Unmap(d, List.of(new UnmapSegment(Workload.iova(p), 0x1000)),
                            r));
                    node.call(s, r -> new PartitionCommand.Submit(Workload.raw(TlbiNhVa.of(0, 1 + s, Workload.iova(p),
                            true), CmdSync.poll()), r));
                    acked.put(key, false);
                } else {
                    acked.remove(key);
                    node.call(s, r -> new PartitionCommand.Map(d, List.of(new MapSegment(Workload.iova(p),
                            0x8000_0000L + (s << 24) + p * 0x1000L, 0x1000, Prot.rw())), r));
                    acked.put(key, true);
                }
            } catch (RuntimeException e) {
                // the call's node died under it: no acknowledgement, the page stays unknown
            }
        }
    }

    private static Process startChild(JdbcJournal journal, ClusterNode seed, Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Diommusim.drops=target/dropped-messages-killed-child.log",
                "-cp", System.getProperty("java.class.path"), ClusterChild.class.getName(),
                journal.url(), journal.user(), journal.password(), Integer.toString(seed.address().getPort().get()),
                dir.resolve("child").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
    }

    private static String childOut(Path dir) throws java.io.IOException {
        return Files.readString(dir.resolve("child.out"));
    }
}
