package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's SQL journal refuses writes (its table is gone, as when the
 * database refuses them): the partition's model answers the write that
 * failed, the burst behind it and every later call (a read too) with
 * {@code JOURNAL_FAILED} and the database's reason, not a timeout; and a node
 * started on the journal once it is back recovers exactly the state that was
 * acknowledged before the failure.
 */
class JdbcJournalFailureTest {
    static final int SMMU = 0;
    static final int BURST = 8;

    @Test
    void aRefusedWriteFailsEveryCallWithTheReasonAndLosesNothingAcknowledged(@TempDir Path dir) throws Exception {
        JdbcJournal h2 = new JdbcJournal("jdbc:h2:mem:journal-fails;DB_CLOSE_DELAY=-1", "sa", "");
        h2.createSchema();
        h2.truncate();
        String acknowledged;
        try (Nodes nodes = Nodes.start(1, h2, dir.resolve("first"))) {
            ClusterNode node = nodes.nodes.get(0);
            Workload.Target t = node::call;
            Workload.attach(t, SMMU, new ArrayList<>());
            for (int p = Workload.PAGES; p < Workload.PAGES + 4; p++) {
                map(t, p);
            }
            acknowledged = Workload.describe(t, SMMU);
            assertTrue(acknowledged.endsWith("/" + (Workload.PAGES + 4)), acknowledged);

            sql(h2, "ALTER TABLE \"event_journal\" RENAME TO \"event_journal_away\"");
            List<CompletableFuture<PartitionReply>> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                int page = Workload.PAGES + 4 + i;
                burst.add(node.ask(SMMU, r -> new PartitionCommand.Map(Workload.domain(SMMU), List.of(segment(page)),
                        r)));
            }
            for (CompletableFuture<PartitionReply> answer : burst) {
                assertJournalFailed(answer.join());
            }
            // a later call, a read that writes nothing, is refused the same way
            assertJournalFailed(node.ask(SMMU, r -> new PartitionCommand.Describe(
                    List.of(Workload.domain(SMMU)), r)).join());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> map(t, 40));
            assertTrue(e.getMessage().startsWith("smmu-0 refused (JOURNAL_FAILED): the journal failed: "),
                    e.getMessage());
        } finally {
            sql(h2, "ALTER TABLE \"event_journal_away\" RENAME TO \"event_journal\"");
        }
        try (Nodes nodes = Nodes.start(1, h2, dir.resolve("second"))) {
            assertEquals(acknowledged, Workload.describe(nodes.nodes.get(0)::call, SMMU),
                    "every acknowledged map is in the journal, and nothing refused is");
        }
    }

    private static void assertJournalFailed(PartitionReply reply) {
        PartitionReply.Refused refused = assertInstanceOf(PartitionReply.Refused.class, reply);
        assertEquals("JOURNAL_FAILED", refused.kind(), refused.reason());
        // the model's words, the plugin's, and the database's naming the missing table
        assertTrue(refused.reason().startsWith("the journal failed: journal write failed in jdbc-journal"),
                refused.reason());
        assertTrue(refused.reason().contains("event_journal"), refused.reason());
    }

    private static MapSegment segment(int page) {
        return new MapSegment(Workload.iova(page), 0x9000_0000L + page * 0x1000L, 0x1000, Prot.rw());
    }

    private static void map(Workload.Target t, int page) {
        t.apply(SMMU, r -> new PartitionCommand.Map(Workload.domain(SMMU), List.of(segment(page)), r));
    }

    private static void sql(JdbcJournal journal, String statement) throws SQLException {
        try (Connection c = journal.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
