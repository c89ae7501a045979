package org.iommusim.cluster;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The second JVM of {@link NodeKillTest}: a cluster node on 127.0.0.1 that
 * joins the seed node named by its arguments (journal URL, user, password,
 * seed port, a scratch directory), says {@code UP} once it is a member, and
 * runs until it is killed.
 */
public final class ClusterChild {
    private ClusterChild() {}

    public static void main(String[] args) throws Exception {
        JdbcJournal journal = new JdbcJournal(args[0], args[1], args[2]);
        String seed = "pekko://iommu-sim@127.0.0.1:" + args[3];
        ClusterNode node = ClusterNode.start(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.seed-nodes = [\"" + seed + "\"]"), journal, k -> Workload.CAPS,
                NodeKillTest.options(Path.of(args[4])));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!node.isUp()) {
            if (System.nanoTime() > deadline) {
                System.out.println("NOT UP");
                System.exit(3);
            }
            Thread.sleep(50);
        }
        System.out.println("UP " + node.address());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
