package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

/** The cluster test's steps, on whichever journal ({@link ClusterShardingH2Test}, {@link ClusterPostgresTest}). */
final class ClusterScenarios {
    private ClusterScenarios() {}

    /** How long a lost node's partition may take to answer elsewhere: downing, moving, recovering, on a loaded machine. */
    static final long MOVE_WITHIN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(150);

    /**
     * The first request to a partition after its node's loss: asked again
     * while sharding still moves it (the coordinator updates its state and
     * the partition recovers before it answers), within {@link #MOVE_WITHIN_NANOS}.
     */
    static String afterTheLoss(ClusterNode node, int smmu) {
        return retrying(() -> Workload.describe(node::call, smmu));
    }

    static <T> T retrying(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + MOVE_WITHIN_NANOS;
        while (true) {
            try {
                return call.get();
            } catch (java.util.concurrent.CompletionException e) {
                if (!(e.getCause() instanceof java.util.concurrent.TimeoutException
                        || e.getCause() instanceof org.apache.pekko.pattern.AskTimeoutException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    static void threeNodes(JdbcJournal journal, Path dir, List<String> reference) {
        journal.createSchema();
        journal.truncate();
        try (Nodes nodes = Nodes.start(3, journal, dir)) {
            List<String> lines = Workload.run(nodes.spread(), ClusterShardingH2Test.SMMUS);
            assertEquals(reference, lines, "the cluster answers as one system on LevelDB does");

            Set<String> all = new HashSet<>();
            int hosting = 0;
            for (ClusterNode n : nodes.nodes) {
                Set<String> here = n.hostedPartitions();
                hosting += here.isEmpty() ? 0 : 1;
                for (String p : here) {
                    assertTrue(all.add(p), p + " runs on two nodes at once");
                }
            }
            assertEquals(Set.of("smmu-0", "smmu-1", "smmu-2"), all);
            assertTrue(hosting >= 2, "the partitions spread over the nodes, not all on one");

            // a node other than the oldest goes down: its partitions move
            ClusterNode victim = null;
            for (ClusterNode n : nodes.nodes.subList(1, 3)) {
                if (!n.hostedPartitions().isEmpty()) {
                    victim = n;
                }
            }
            if (victim == null) {
                victim = nodes.nodes.get(1);
            }
            Set<String> moved = victim.hostedPartitions();
            ClusterNode survivor = nodes.nodes.get(0);
            // acknowledged just before: one more unmap + TLBI + CMD_SYNC on every SMMU
            List<String> before = new ArrayList<>();
            for (int s = 0; s < ClusterShardingH2Test.SMMUS; s++) {
                Workload.unmap(nodes.spread(), s, 7, before);
                before.add(Workload.describe(nodes.spread(), s));
            }
            Cluster.get(survivor.system()).manager().tell(new Down(victim.address()));
            victim.system().getWhenTerminated().toCompletableFuture().join();
            nodes.nodes.remove(victim);
            nodes.awaitUp(2);

            List<String> after = new ArrayList<>();
            for (int s = 0; s < ClusterShardingH2Test.SMMUS; s++) {
                List<String> ignored = new ArrayList<>();
                after.add(afterTheLoss(nodes.nodes.get(s % 2), s));
                // every acknowledged unmap holds: pages 7 and s fault, the others translate
                Workload.translateAll(nodes.through(survivor), s, ignored);
                for (int p = 0; p < Workload.PAGES; p++) {
                    boolean unmapped = p == 7 || p == s;
                    assertEquals(unmapped, ignored.get(p).contains("F_TRANSLATION"),
                            "smmu-" + s + " page " + p + " after the node's loss: " + ignored.get(p));
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < before.size(); i += 3) {
                expected.add(before.get(i + 2));
            }
            assertEquals(expected, after, "every acknowledged command survived the node's loss " + moved);
            Set<String> now = new HashSet<>();
            for (ClusterNode n : nodes.nodes) {
                now.addAll(n.hostedPartitions());
            }
            assertTrue(now.containsAll(moved), "the lost node's partitions " + moved + " run elsewhere: " + now);
        }
    }
}
