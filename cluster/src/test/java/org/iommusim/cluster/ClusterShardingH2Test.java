package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes in this JVM sharing one journal on H2 (in memory): the
 * SMMU partitions spread over the nodes, every node sends requests, and every
 * answer and the final state (invalidations, completed syncs, consumer
 * index, page tables) equals a single-system run on the default LevelDB
 * journal. Then a node is downed: its partitions restart on the others from
 * the journal with every acknowledged command in force.
 */
class ClusterShardingH2Test {
    static final int SMMUS = 3;

    @Test
    void threeNodesAnswerAsOneSystemAndSurviveANodesLoss(@TempDir Path dir) {
        List<String> reference = Nodes.reference(dir.resolve("reference"), SMMUS);
        JdbcJournal h2 = new JdbcJournal("jdbc:h2:mem:three-nodes;DB_CLOSE_DELAY=-1", "sa", "");
        ClusterScenarios.threeNodes(h2, dir.resolve("cluster"), reference);
    }
}
