package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal another process has open (a real LevelDB holding its LOCK in a
 * child JVM, as a running simulation would) is refused at once with one
 * clear line and exit 2, by every subcommand.
 */
class LockedJournalTest {

    @Test
    void journalLockedByAnotherProcessIsRefusedPromptly(@TempDir Path tmp) throws Exception {
        RecordedHistory.write(tmp);
        Path journal = tmp.resolve("journal");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LevelDbLockHolder.class.getName(), journal.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", out.readLine());
            for (String[] args : new String[][] {
                    {"inspect", "--journal", tmp.toString()},
                    {"log", "--journal", tmp.toString()},
                    {"state", "--journal", tmp.toString(), "--entity", "domain-2"},
                    {"export", "--journal", tmp.toString(), "--out", tmp.resolveSibling("x.jsonl").toString()},
                    {"trace", "--journal", tmp.toString(), "--iova", "0x1000"},
                    {"translate", "--journal", tmp.toString(), "--sid", "1", "--iova", "0x1000"},
                    {"verify", "--journal", tmp.toString()}}) {
                ReplayCli r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ReplayCli.run(args));
                assertEquals(2, r.exitCode(), r.err());
                assertEquals(args[0] + ": journal " + journal + " is locked by another process (LevelDB LOCK is held);"
                        + " stop that run first, or read a copy of the directory", r.err().strip());
                assertEquals("", r.out());
            }
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        // once the other process is gone the same directory reads fine
        assertEquals(0, ReplayCli.run("inspect", "--journal", tmp.toString()).exitCode());
    }
}
