package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/**
 * The journal's write buffer on a node: above the plugin's 1000 (which a node
 * with 512 SMMU partitions overflowed, failing writes and stopping entities),
 * and still the user's to change in the {@code --cluster} file.
 */
class JdbcJournalConfigTest {
    private static final JdbcJournal H2 = new JdbcJournal("jdbc:h2:mem:config-only", "sa", "");

    @Test
    void aNodeBuffersMoreWritesThanItsPartitionsCanHaveOutstanding() {
        Config node = ClusterNode.config(ConfigFactory.empty(), H2);
        assertEquals(JdbcJournal.BUFFERED_WRITES, node.getInt("jdbc-journal.bufferSize"));
        // about six writing entities per partition, one write outstanding each
        assertTrue(node.getInt("jdbc-journal.bufferSize") >= 6 * 1024, "room for 1024 partitions on one node");
        assertEquals(400, node.getInt("jdbc-journal.batchSize"), "the plugin's batch size stays");
    }

    @Test
    void aNodesJournalReportsItsFailures() {
        Config node = ClusterNode.config(ConfigFactory.empty(), H2);
        assertEquals(GuardedJdbcJournal.class.getName(), node.getString("jdbc-journal.class"),
                "a failed write must reach the models as JOURNAL_FAILED (JdbcJournalFailureTest)");
    }

    @Test
    void theClusterFileOverridesIt() {
        Config node = ClusterNode.config(ConfigFactory.parseString("jdbc-journal.bufferSize = 5000"), H2);
        assertEquals(5000, node.getInt("jdbc-journal.bufferSize"));
    }
}
