package org.iommusim.cluster;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClusterShardingH2Test} on PostgreSQL (see {@link Postgres} for when the server is missing). */
class ClusterPostgresTest {
    @Test
    void threeNodesOnPostgresAnswerAsOneSystemAndSurviveANodesLoss(@TempDir Path dir) {
        JdbcJournal pg = Postgres.journal();
        List<String> reference = Nodes.reference(dir.resolve("reference"), ClusterShardingH2Test.SMMUS);
        ClusterScenarios.threeNodes(pg, dir.resolve("cluster"), reference);
    }
}
