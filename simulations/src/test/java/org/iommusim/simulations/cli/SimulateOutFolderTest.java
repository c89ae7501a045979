package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommusim.simulations.engine.RunFolder;
import org.iommusim.simulations.replay.DirectoryHash;
import org.iommusim.simulations.replay.LevelDbLockHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs are never destroyed by accident: {@code simulate} locks its output
 * folder before touching it, replaces an earlier run only with
 * {@code --force}, never deletes a file it did not write, and refuses an
 * unusable {@code --out} with exit 2 and one line.
 */
class SimulateOutFolderTest {
    private static final Pattern DIGEST = Pattern.compile("\"eventDigest\": \"([0-9a-f]+)\"");

    private static Path quickstart() {
        return ShippedScenarios.file("quickstart.conf");
    }

    /** A short quickstart run: a second or two, a real LevelDB journal. */
    private static CliRunner simulate(Path out, String... more) {
        String[] base = {"simulate", quickstart().toString(), "--set", "length.operations=200", "--out",
                out.toString(), "--quiet"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRunner.run(args);
    }

    private static String digest(Path out) throws Exception {
        Matcher m = DIGEST.matcher(Files.readString(out.resolve("report.json")));
        assertTrue(m.find(), "report.json has an event digest");
        return m.group(1);
    }

    /** Exit 2, nothing on stdout, and exactly one line on stderr, which says what {@code expected} says. */
    private static void assertRefused(CliRunner r, String expected) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("", r.out());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr:\n" + r.err());
        assertTrue(err.startsWith("simulate: "), err);
        assertTrue(err.contains(expected), "'" + expected + "' in: " + err);
    }

    @Test
    void aSecondRunOnTheSameFolderIsRefusedAndLeavesTheFirstIntact(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, simulate(out).exitCode());
        String first = digest(out);
        Map<String, String> before = DirectoryHash.of(out);
        assertTrue(before.keySet().containsAll(java.util.List.of("journal/", "report.json", "report.html",
                RunFolder.MARKER_FILE, RunFolder.LOCK_FILE)), before.keySet().toString());

        CliRunner second = simulate(out, "--seed", "7");
        assertRefused(second, "output folder " + out + " holds an earlier run (journal/, report.html, report.json)");
        assertTrue(second.err().contains("--force"), second.err());
        assertEquals(before, DirectoryHash.of(out), "every file of the first run is unchanged");
        assertEquals(first, digest(out));
        CliRunner verify = CliRunner.run("verify", "--journal", out.resolve("journal").toString());
        assertEquals(0, verify.exitCode(), verify.err());
    }

    @Test
    void forceReplacesAnEarlierRunWithAFreshJournal(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, simulate(out).exitCode());
        String seed42 = digest(out);

        CliRunner again = simulate(out, "--seed", "7", "--force");
        assertEquals(0, again.exitCode(), again.err());
        Path fresh = tmp.resolve("fresh");
        assertEquals(0, simulate(fresh, "--seed", "7").exitCode());
        assertNotEquals(seed42, digest(out));
        assertEquals(digest(fresh), digest(out), "nothing of the replaced run's journal is left to recover");
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"seed\": 7"));
    }

    @Test
    void forceNeverDeletesAFileItDidNotWrite(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, simulate(out).exitCode());
        Files.writeString(out.resolve("notes.txt"), "mine");
        Map<String, String> before = DirectoryHash.of(out);
        assertRefused(simulate(out, "--force"), "output folder " + out
                + " holds files iommu-sim did not write (notes.txt); it is never cleared, even with --force");
        assertEquals(before, DirectoryHash.of(out), "nothing deleted or changed");

        // a file of someone else's inside journal/ counts the same
        Files.delete(out.resolve("notes.txt"));
        Files.writeString(out.resolve("journal/journal/keep.me"), "mine");
        before = DirectoryHash.of(out);
        assertRefused(simulate(out, "--force"), "did not write (journal/journal/keep.me)");
        assertEquals(before, DirectoryHash.of(out), "nothing deleted or changed");
    }

    @Test
    void aFolderOfSomeoneElsesFilesIsRefusedWithoutWritingIntoIt(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(out.resolve("a.jpg"), "a");
        Files.createDirectories(out.resolve("journal")); // a folder named like ours, with something else in it
        Files.writeString(out.resolve("journal/diary.txt"), "b");
        Map<String, String> before = DirectoryHash.of(out);
        assertRefused(simulate(out, "--force"), "did not write (a.jpg, journal/diary.txt)");
        assertEquals(before, DirectoryHash.of(out), "not even the lock file was written");
        assertFalse(Files.exists(out.resolve(RunFolder.LOCK_FILE)));
    }

    @Test
    void unusablePathsGiveExit2AndOneLine(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("report.txt"), "a file");
        assertRefused(simulate(file), "output folder " + file + " is an existing file, not a folder");
        assertRefused(simulate(file.resolve("run")), "cannot create output folder " + file.resolve("run") + ": "
                + file + " is a file");
        assertEquals("a file", Files.readString(file));
        // the kernel refuses new entries in /proc whoever asks (root too)
        assertTrue(Files.isDirectory(Path.of("/proc")), "a Linux /proc");
        Path underProc = Path.of("/proc/iommu-sim-test/run");
        assertRefused(simulate(underProc), "cannot create output folder " + underProc + ": /proc/iommu-sim-test");
    }

    @Test
    void aFolderHeldByARunInThisJvmIsRefused(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        try (RunFolder running = RunFolder.claim(out, false)) {
            assertRefused(simulate(out), "output folder " + out + " is in use by a running simulation");
            assertRefused(simulate(out, "--force"), "is in use by a running simulation");
            assertFalse(Files.exists(out.resolve("journal")), "the refused runs wrote nothing");
        }
        assertRefused(simulate(out), "holds an earlier run (" + RunFolder.MARKER_FILE + ")");
        assertEquals(0, simulate(out, "--force").exitCode(), "free once the holder is done");
    }

    @Test
    void aFolderHeldByAnotherProcessIsRefused(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        Process holder = childJvm(RunFolderHolder.class, out);
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("holding " + out, lines.readLine());
            assertRefused(simulate(out, "--force"), "output folder " + out + " is in use by a running simulation");
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        assertEquals(0, simulate(out, "--force").exitCode(), "free once the other process is gone");
    }

    /** A run without the folder's lock (an older iommu-sim, say) still holds LevelDB's: --force must not delete it. */
    @Test
    void forceRefusesAnEarlierRunWhoseJournalIsOpenElsewhere(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, simulate(out).exitCode());
        Path leveldb = out.resolve("journal/journal");
        Process holder = childJvm(LevelDbLockHolder.class, leveldb);
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", lines.readLine());
            assertRefused(simulate(out, "--force"), "output folder " + out + " is in use: journal directory "
                    + leveldb + " is locked by another process");
            for (String kept : new String[] {"report.json", "report.html", "journal/journal/CURRENT"}) {
                assertTrue(Files.exists(out.resolve(kept)), kept + " is still there");
            }
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
    }

    private static Process childJvm(Class<?> main, Path arg) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main.getName(), arg.toString())
                .redirectErrorStream(true).start();
    }

    @Test
    void withoutOutARunGoesToTheFirstFreeNumberedFolderAndNeverReplacesOne(@TempDir Path tmp) throws Exception {
        Path base = tmp.resolve("quickstart-seed42");
        assertEquals(base, SimulateCommand.freeFolder(base), "missing: used as is");
        Files.createDirectories(base);
        Files.writeString(base.resolve(".iommu-sim.lock"), "");
        assertEquals(base, SimulateCommand.freeFolder(base), "only a lock: free");
        Files.writeString(base.resolve("report.json"), "{}");
        assertEquals(tmp.resolve("quickstart-seed42-2"), SimulateCommand.freeFolder(base));
        Files.createDirectories(tmp.resolve("quickstart-seed42-2"));
        Files.writeString(tmp.resolve("quickstart-seed42-2").resolve("x"), "");
        assertEquals(tmp.resolve("quickstart-seed42-3"), SimulateCommand.freeFolder(base));
        Files.writeString(tmp.resolve("quickstart-seed42-3"), "a file is not free");
        assertEquals(tmp.resolve("quickstart-seed42-4"), SimulateCommand.freeFolder(base));
    }
}
