package org.iommusim.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSettingsTest {

    @Test
    void createsMissingParentsSoLevelDbNeverWaitsOnThem(@TempDir Path tmp) {
        Path data = tmp.resolve("a/b/c/data");
        JournalSettings s = JournalSettings.levelDb(data).prepare();
        try {
            assertTrue(Files.isDirectory(data.resolve("journal")));
            assertTrue(Files.isDirectory(data.resolve("snapshots")));
            Config c = s.toConfig();
            assertEquals("pekko.persistence.journal.leveldb", c.getString("pekko.persistence.journal.plugin"));
            assertEquals(data.resolve("journal").toString(), c.getString("pekko.persistence.journal.leveldb.dir"));
            assertTrue(c.getBoolean("pekko.persistence.journal.leveldb.fsync"));
        } finally {
            s.release();
        }
    }

    @Test
    void secondOpenInTheSameProcessIsRefused(@TempDir Path tmp) {
        JournalSettings first = JournalSettings.levelDb(tmp).prepare();
        try {
            JournalUnavailableException e = assertThrows(JournalUnavailableException.class,
                    () -> JournalSettings.levelDb(tmp).prepare());
            assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
        } finally {
            first.release();
        }
        JournalSettings.levelDb(tmp).prepare().release();
    }

    @Test
    void checkNotInUseRefusesADirectoryOpenHereAndCreatesNothing(@TempDir Path tmp) {
        Path absent = tmp.resolve("absent");
        JournalSettings.levelDb(absent).checkNotInUse();
        assertTrue(Files.notExists(absent), "a check writes nothing");
        JournalSettings open = JournalSettings.levelDb(tmp).prepare();
        try {
            JournalUnavailableException e = assertThrows(JournalUnavailableException.class,
                    () -> JournalSettings.levelDb(tmp).checkNotInUse());
            assertTrue(e.getMessage().contains(tmp + " is open in this process"), e.getMessage());
        } finally {
            open.release();
        }
        JournalSettings.levelDb(tmp).checkNotInUse();
    }

    @Test
    void aPathThatIsAFileIsRefusedByName(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("data"), "not a directory");
        JournalUnavailableException e = assertThrows(JournalUnavailableException.class,
                () -> JournalSettings.levelDb(file).prepare());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot create journal directory"), e.getMessage());
    }

    /** A real LevelDB opened by another JVM holds the LOCK: prepare() must say so instead of letting Pekko hang. */
    @Test
    void directoryLockedByAnotherProcessIsRefusedClearly(@TempDir Path tmp) throws Exception {
        Path journal = tmp.resolve("journal");
        Files.createDirectories(journal);
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LevelDbLockHolder.class.getName(), journal.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", out.readLine());
            JournalUnavailableException e = assertThrows(JournalUnavailableException.class,
                    () -> JournalSettings.levelDb(tmp).prepare());
            assertTrue(e.getMessage().contains("is locked by another process"), e.getMessage());
            assertTrue(e.getMessage().contains(journal.toString()), e.getMessage());
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        // once the other process is gone the directory is usable again
        JournalSettings.levelDb(tmp).prepare().release();
    }

    @Test
    void selectsTheGuardedJournalAndSnapshotStoreWithTheThreshold(@TempDir Path tmp) {
        JournalSettings s = JournalSettings.levelDb(tmp);
        assertEquals(64L << 20, s.minFreeBytes(), "reference.conf's default");
        Config c = s.withMinFreeBytes(12345).toConfig();
        assertEquals(GuardedLeveldbJournal.class.getName(), c.getString("pekko.persistence.journal.leveldb.class"));
        assertEquals(GuardedSnapshotStore.class.getName(), c.getString("pekko.persistence.snapshot-store.local.class"));
        assertEquals(12345L, c.getBytes(JournalSpace.MIN_FREE_KEY));
        // a synchronous LevelDB write cannot be cut short: no call timeout to report a landing write as failed
        assertEquals(java.time.Duration.ZERO,
                c.getDuration("pekko.persistence.journal.leveldb.circuit-breaker.call-timeout"));
        assertThrows(IllegalArgumentException.class, () -> s.withMinFreeBytes(-1));
    }

    /** Opening LevelDB writes; on a full disk that is a SIGBUS, so prepare() refuses first and holds nothing. */
    @Test
    void aFileSystemShortOfTheThresholdIsRefusedBeforeAnythingOpens(@TempDir Path tmp) {
        JournalUnavailableException e = assertThrows(JournalUnavailableException.class,
                () -> JournalSettings.levelDb(tmp).withMinFreeBytes(Long.MAX_VALUE).prepare());
        assertTrue(e.getMessage().contains(tmp.resolve("journal").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bytes") && e.getMessage().contains("usable"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(Long.MAX_VALUE)), e.getMessage());
        assertTrue(e.getMessage().contains(JournalSpace.MIN_FREE_KEY), e.getMessage());
        JournalSettings.levelDb(tmp).withMinFreeBytes(0).prepare().release(); // nothing was left marked open
    }

    @Test
    void healthKeepsTheFirstFailureTellsListenersOnceAndAFreshPrepareClearsIt(@TempDir Path tmp) throws Exception {
        JournalSettings s = JournalSettings.levelDb(tmp).prepare();
        java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable hook = JournalHealth.onFailure(s.journalDir(), told::add)) {
            assertTrue(JournalHealth.failure(s.journalDir()).isEmpty());
            assertTrue(JournalHealth.failed(tmp.resolve("./journal"), "disk full"), "same directory, other spelling");
            assertTrue(!JournalHealth.failed(s.journalDir(), "a consequence"));
            assertEquals(java.util.Optional.of("disk full"), JournalHealth.failure(s.journalDir()));
            assertEquals(java.util.List.of("disk full"), told);
            java.util.List<String> late = new java.util.ArrayList<>();
            JournalHealth.onFailure(s.journalDir(), late::add).close();
            assertEquals(java.util.List.of("disk full"), late, "a listener added after the failure hears it at once");
        } finally {
            s.release();
        }
        JournalSettings again = JournalSettings.levelDb(tmp).prepare();
        try {
            assertTrue(JournalHealth.failure(again.journalDir()).isEmpty(), "a fresh start begins healthy");
        } finally {
            again.release();
        }
    }
}
