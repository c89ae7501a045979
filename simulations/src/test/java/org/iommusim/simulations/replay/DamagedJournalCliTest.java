package org.iommusim.simulations.replay;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The corruption matrix on copies of a real journal (a {@code simulate} run
 * of missing-tlbi, 40,000 operations: one {@code .sst}, a {@code .log} of many blocks, snapshots):
 * every replay subcommand refuses a damaged journal with exit 2 and one line
 * naming the file, the entity and the range, printing nothing else; verify
 * fails with exit 1; nothing hangs. A log cut at its tail reads as a
 * consistent prefix; an empty journal is said to be empty.
 */
class DamagedJournalCliTest {
    @TempDir
    static Path shared;
    private static Path run;

    @BeforeAll
    static void simulate() throws IOException {
        run = shared.resolve("run");
        // 40,000 operations: a log past LevelDB's 4 MB write buffer once (one .sst, and a .log of many blocks);
        // domain snapshots every 1,000 events while it is written (the default, 10,000, would take none here)
        ReplayCli r = org.iommusim.actors.testing.SnapshotInterval.domains(1000, () -> ReplayCli.run("simulate",
                scenario("missing-tlbi.conf").toString(), "--out", run.toString(), "--set",
                "length.operations=40000", "--quiet"));
        assertEquals(0, r.exitCode(), r.err());
        Path journal = run.resolve("journal/journal");
        assertTrue(Files.size(Corruption.only(journal, ".log")) > 3 * 32_768, "a log of several blocks");
        Corruption.only(journal, ".sst");
        Corruption.only(run.resolve("journal/snapshots"), "snapshot-domain-1-");
    }

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    private static Path copy(Path dir) throws IOException {
        Path data = dir.resolve("data");
        Corruption.copy(run.resolve("journal"), data);
        return data;
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyDamageIsRefusedWithOneLineNamingFileEntityAndRange(Corruption c, @TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Path file = c.apply(data);
        Map<String, String> before = DirectoryHash.of(data);
        for (String command : List.of("inspect", "log")) {
            ReplayCli r = ReplayCli.run(command, "--journal", data.toString());
            assertEquals(2, r.exitCode(), command + " " + c + ": " + r.out() + r.err());
            assertEquals("", r.out(), "no partial data");
            String line = r.err().strip();
            assertEquals(1, line.lines().count(), "one line, no stack trace: " + r.err());
            assertTrue(line.startsWith(command + ": journal damaged: " + file + ": "), line);
            assertTrue(line.contains("; affected: "), line);
        }
        ReplayCli v = ReplayCli.run("verify", "--journal", data.toString());
        assertEquals(1, v.exitCode(), v.out() + v.err());
        assertTrue(v.out().startsWith("journal damaged: " + file), v.out());
        assertEquals(before, DirectoryHash.of(data), "replay changes nothing");
    }

    /** Every subcommand goes through the same check: each refuses the same damage with the same line. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everySubcommandRefusesADamagedLog(@TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Corruption.LOG_BYTES_FLIPPED.apply(data);
        String j = data.toString();
        List<String[]> commands = List.of(
                new String[] {"inspect", "--journal", j},
                new String[] {"log", "--journal", j, "--entity", "domain-1"},
                new String[] {"state", "--journal", j, "--entity", "domain-1"},
                new String[] {"export", "--journal", j, "--out", dir.resolve("x.jsonl").toString()},
                new String[] {"trace", "--journal", j, "--iova", "0x100113300", "--sid", "16"},
                new String[] {"translate", "--journal", j, "--sid", "16", "--iova", "0x100113300"});
        String line = null;
        for (String[] args : commands) {
            ReplayCli r = ReplayCli.run(args);
            assertEquals(2, r.exitCode(), args[0] + ": " + r.out() + r.err());
            assertEquals("", r.out(), args[0] + ": no partial data");
            String damage = r.err().strip().substring(args[0].length() + 2);
            assertTrue(line == null || line.equals(damage), damage + " vs " + line);
            line = damage;
        }
        assertFalse(Files.exists(dir.resolve("x.jsonl")), "export wrote nothing");
    }

    /** What a crash leaves: the log's last record cut short. It reads as a prefix: no gap, each entity ends somewhere. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aLogCutAtItsTailReadsAsAConsistentPrefix(@TempDir Path dir) throws IOException {
        Path data = copy(dir);
        Corruption.cutLogTail(data, 200);
        ReplayCli r = ReplayCli.run("inspect", "--journal", data.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ends in a crash's cut"), r.out());
        for (String row : r.out().lines().skip(1).takeWhile(l -> !l.matches("\\d+ entities.*")).toList()) {
            String[] f = row.trim().split("\\s+");
            long events = Long.parseLong(f[1]);
            assertEquals(events == 0 ? 0 : 1, Long.parseLong(f[2]), row);
            assertEquals(events, Long.parseLong(f[3]), "no gap: " + row);
        }
        for (String entity : List.of("domain-1", "smmu-0", "smmu-0/tbu-0", "smmu-0/sid-16")) {
            ReplayCli s = ReplayCli.run("state", "--journal", data.toString(), "--entity", entity);
            assertEquals(0, s.exitCode(), entity + ": " + s.err());
        }
        assertEquals(0, ReplayCli.run("export", "--journal", data.toString(), "--out",
                dir.resolve("x.jsonl").toString()).exitCode());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anEmptyJournalIsSaidToBeEmptyAndFailsVerify(@TempDir Path dir) {
        Path data = dir.resolve("empty");
        IommuSim.start(ModelOptions.at(data).withFsync(false)).close();
        ReplayCli i = ReplayCli.run("inspect", "--journal", data.toString());
        assertEquals(2, i.exitCode(), i.out() + i.err());
        assertEquals("inspect: journal " + data + " is empty: no event was recorded in it", i.err().strip());
        ReplayCli v = ReplayCli.run("verify", "--journal", data.toString());
        assertEquals(1, v.exitCode(), v.out() + v.err());
        assertEquals("journal " + data + " is empty: no event was recorded in it", v.out().strip());
    }

    /** {@code --journal} takes the run's output folder as well; {@code --smmu 0} is smmu-0. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void friendlierPaths() {
        ReplayCli viaData = ReplayCli.run("inspect", "--journal", run.resolve("journal").toString());
        ReplayCli viaOut = ReplayCli.run("inspect", "--journal", run.toString());
        assertEquals(0, viaOut.exitCode(), viaOut.err());
        assertEquals(viaData.out(), viaOut.out());
        String[] translate = {"translate", "--journal", run.toString(), "--sid", "16", "--iova", "0x100113300"};
        ReplayCli named = ReplayCli.run(concat(translate, "--smmu", "smmu-0"));
        ReplayCli numbered = ReplayCli.run(concat(translate, "--smmu", "0"));
        assertEquals(0, numbered.exitCode(), numbered.err());
        assertEquals(named.out(), numbered.out());
    }

    /** {@code trace --sid 16} keeps stream 16's domain (domain-1) and leaves out domain-2's maps and fills. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void traceBySidLeavesOutOtherDomains() {
        String iova = "0x100113300";
        ReplayCli all = ReplayCli.run("trace", "--journal", run.toString(), "--iova", iova);
        ReplayCli sid16 = ReplayCli.run("trace", "--journal", run.toString(), "--iova", iova, "--sid", "16");
        assertEquals(0, sid16.exitCode(), sid16.err());
        assertTrue(all.out().lines().anyMatch(l -> l.matches("g=\\d+( t=\\d+ns)? domain-2 #.*")), "domain-2 maps this IOVA too");
        assertTrue(sid16.out().lines().anyMatch(l -> l.matches("g=\\d+( t=\\d+ns)? domain-1 #.*")), sid16.out());
        assertTrue(sid16.out().lines().noneMatch(l -> l.matches("g=\\d+( t=\\d+ns)? domain-2 #.*")), sid16.out());
        long fills = all.out().lines().filter(l -> l.contains("FILL")).count();
        long mine = sid16.out().lines().filter(l -> l.contains("FILL")).count();
        assertTrue(mine > 0 && mine < fills, mine + " of " + fills + " fills");
        assertTrue(sid16.out().lines().filter(l -> l.contains("FILL")).allMatch(l -> l.contains("asid=0x1")),
                sid16.out());
        // stream 17 (ASID 2) never sees the TLBIs domain-1's unmaps sent for ASID 1
        ReplayCli sid17 = ReplayCli.run("trace", "--journal", run.toString(), "--iova", iova, "--sid", "17");
        assertEquals(0, sid17.exitCode(), sid17.err());
        assertTrue(all.out().lines().anyMatch(l -> l.contains("TLBI_NH_VA asid=0x1")), all.out());
        assertTrue(sid17.out().lines().filter(l -> l.contains("TLBI") || l.contains("INVALIDATED"))
                .noneMatch(l -> l.contains("asid=0x1 ")), sid17.out());
        assertTrue(sid16.out().lines().anyMatch(l -> l.contains("TLBI_NH_VA asid=0x1")), sid16.out());
        ReplayCli unknown = ReplayCli.run("trace", "--journal", run.toString(), "--iova", iova, "--sid", "99");
        assertEquals(2, unknown.exitCode(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("--sid: no STE or CD of StreamID 0x63"), unknown.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
