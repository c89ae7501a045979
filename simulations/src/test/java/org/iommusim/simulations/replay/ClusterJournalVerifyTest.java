package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.cluster.Nodes;
import org.iommusim.cluster.Postgres;
import org.iommusim.cluster.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes in this JVM (127.0.0.1, port 0) share one SQL journal
 * while a workload sends requests for every SMMU through a different node.
 * The answers equal a single-node run of the same workload on LevelDB;
 * {@code verify --journal jdbc:...} passes on the shared journal; and
 * {@code inspect} shows what the LevelDB run's shows, but for the entities
 * that wrote no event (an SMMU's VMID/ASID allocator when no domain needed a
 * fresh id): LevelDB lists every entity that started, a SQL journal only
 * those with rows.
 */
class ClusterJournalVerifyTest {
    static final int SMMUS = 3;

    @Test
    void h2JournalOfThreeNodesVerifiesAndReadsAsLevelDb(@TempDir Path dir) {
        sameAsLevelDb(new JdbcJournal("jdbc:h2:mem:cluster-verify;DB_CLOSE_DELAY=-1", "sa", ""), dir);
    }

    @Test
    void postgresJournalOfThreeNodesVerifiesAndReadsAsLevelDb(@TempDir Path dir) {
        sameAsLevelDb(Postgres.journal(), dir);
    }

    private static void sameAsLevelDb(JdbcJournal sql, Path dir) {
        Path level = dir.resolve("leveldb");
        List<String> reference = Nodes.reference(level, SMMUS);
        sql.createSchema();
        sql.truncate();
        List<String> answers;
        try (Nodes nodes = Nodes.start(3, sql, dir.resolve("cluster"))) {
            answers = Workload.run(nodes.spread(), SMMUS);
        }
        assertEquals(reference, answers, "three nodes answer as one node on LevelDB");

        String url = SqlJournalReplayTest.cliUrl(sql);
        ReplayCli verify = ReplayCli.run("verify", "--journal", url);
        assertEquals(0, verify.exitCode(), verify.out() + verify.err());
        ReplayCli levelVerify = ReplayCli.run("verify", "--journal", level.toString());
        assertEquals(0, levelVerify.exitCode(), levelVerify.out() + levelVerify.err());

        ReplayCli inspect = ReplayCli.run("inspect", "--journal", url);
        assertEquals(0, inspect.exitCode(), inspect.err());
        ReplayCli levelInspect = ReplayCli.run("inspect", "--journal", level.toString());
        assertEquals(0, levelInspect.exitCode(), levelInspect.err());
        List<String> silent = new ArrayList<>();
        assertEquals(withoutSilentEntities(levelInspect.out(), silent), inspect.out(), "inspect on " + sql.url());
        List<String> allocators = new ArrayList<>();
        for (int s = 0; s < SMMUS; s++) {
            allocators.add("smmu-" + s + "/ids");
        }
        assertEquals(allocators, silent, "the entities without events are the allocators");
    }

    /**
     * The LevelDB run's {@code inspect} table without its rows for entities
     * with no event ({@code silent} gets their names), and its total counting
     * the entities left.
     */
    static String withoutSilentEntities(String table, List<String> silent) {
        StringBuilder b = new StringBuilder();
        String[] lines = table.split("\n", -1);
        for (String line : lines) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 5 && cols[1].equals("0") && cols[4].equals("-")) {
                silent.add(cols[0]);
                continue;
            }
            Matcher total = TOTAL.matcher(line);
            if (total.matches()) {
                line = (Integer.parseInt(total.group(1)) - silent.size()) + " entities" + total.group(2);
            }
            b.append(line).append('\n');
        }
        return b.substring(0, b.length() - 1);
    }

    private static final Pattern TOTAL = Pattern.compile("(\\d+) entities(,.*)");
}
