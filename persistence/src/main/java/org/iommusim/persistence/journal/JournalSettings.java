package org.iommusim.persistence.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where and how events are stored: Pekko's LevelDB journal and local
 * snapshot store under one data directory ({@code journal/} and
 * {@code snapshots/}), or the in-memory journal for unit tests.
 *
 * <p>{@link #prepare} checks the directory before Pekko touches it, because
 * Pekko's own failure modes are unhelpful: LevelDB creates only the last
 * directory level (a missing parent shows up as a 30 s recovery timeout), and
 * a directory another process holds fails deep inside the journal actor.
 */
public final class JournalSettings {
    /** Directories this JVM has open, since LevelDB's own lock does not stop a second open in-process. */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final boolean fsync;
    private final boolean nativeLevelDb;

    private JournalSettings(Path dataDir, boolean fsync, boolean nativeLevelDb) {
        this.dataDir = dataDir;
        this.fsync = fsync;
        this.nativeLevelDb = nativeLevelDb;
    }

    /** LevelDB under {@code dataDir}, fsync on, native LevelDB where the JNI library exists. */
    public static JournalSettings levelDb(Path dataDir) {
        return new JournalSettings(dataDir.toAbsolutePath().normalize(), true, nativeAvailable());
    }

    public JournalSettings withFsync(boolean on) {
        return new JournalSettings(dataDir, on, nativeLevelDb);
    }

    /** Forces the pure-Java LevelDB port ({@code native = off}), e.g. where JNI is unavailable. */
    public JournalSettings withNative(boolean on) {
        return new JournalSettings(dataDir, fsync, on);
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path journalDir() {
        return dataDir.resolve("journal");
    }

    public Path snapshotDir() {
        return dataDir.resolve("snapshots");
    }

    public boolean nativeLevelDb() {
        return nativeLevelDb;
    }

    /** leveldbjni-all ships its native library for x86-64 Linux only. */
    public static boolean nativeAvailable() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /**
     * Creates the directories (parents included) and checks that they are
     * writable and not in use, then marks them in use by this JVM until
     * {@link #release}. Throws {@link JournalUnavailableException} naming the
     * problem; never leaves a half-prepared journal behind.
     */
    public JournalSettings prepare() {
        for (Path dir : new Path[] {journalDir(), snapshotDir()}) {
            try {
                Files.createDirectories(dir);
            } catch (AccessDeniedException e) {
                throw new JournalUnavailableException("cannot create journal directory " + dir + ": permission denied");
            } catch (FileSystemException e) {
                throw new JournalUnavailableException("cannot create journal directory " + dir + ": "
                        + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()));
            } catch (IOException e) {
                throw new JournalUnavailableException("cannot create journal directory " + dir + ": " + e.getMessage(), e);
            }
            if (!Files.isDirectory(dir)) {
                throw new JournalUnavailableException(dir + " exists and is not a directory");
            }
            if (!Files.isWritable(dir)) {
                throw new JournalUnavailableException("journal directory " + dir + " is not writable");
            }
        }
        if (!OPEN_HERE.add(dataDir)) {
            throw new JournalUnavailableException("journal directory " + dataDir
                    + " is already open in this process; each run needs its own directory");
        }
        try {
            checkNotLockedElsewhere();
        } catch (RuntimeException e) {
            OPEN_HERE.remove(dataDir);
            throw e;
        }
        return this;
    }

    /**
     * Checks, without creating or writing anything, that no model has this
     * directory open: neither this JVM (through {@link #prepare}) nor another
     * process (LevelDB's LOCK). Call it before deleting an earlier journal.
     *
     * @throws JournalUnavailableException naming the directory when it is in use
     */
    public void checkNotInUse() {
        if (OPEN_HERE.contains(dataDir)) {
            throw new JournalUnavailableException("journal directory " + dataDir + " is open in this process");
        }
        checkNotLockedElsewhere();
    }

    /** Marks the directory free again (call after the ActorSystem using it has terminated). */
    public void release() {
        OPEN_HERE.remove(dataDir);
    }

    private void checkNotLockedElsewhere() {
        Path lock = journalDir().resolve("LOCK");
        if (!Files.exists(lock)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = ch.tryLock();
            if (held == null) {
                throw lockedElsewhere();
            }
            held.release();
        } catch (OverlappingFileLockException e) {
            throw lockedElsewhere();
        } catch (AccessDeniedException e) {
            throw new JournalUnavailableException("journal lock file " + lock + " is not writable");
        } catch (IOException e) {
            throw new JournalUnavailableException("cannot check journal lock " + lock + ": " + e.getMessage(), e);
        }
    }

    private JournalUnavailableException lockedElsewhere() {
        return new JournalUnavailableException("journal directory " + journalDir()
                + " is locked by another process (LevelDB LOCK is held); stop that process or choose another directory");
    }

    /** Pekko configuration selecting this journal and snapshot store; layer it over the application's config. */
    public Config toConfig() {
        return ConfigFactory.parseMap(Map.of(
                "pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb",
                "pekko.persistence.journal.leveldb.dir", journalDir().toString(),
                "pekko.persistence.journal.leveldb.fsync", fsync,
                "pekko.persistence.journal.leveldb.native", nativeLevelDb,
                "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local",
                "pekko.persistence.snapshot-store.local.dir", snapshotDir().toString(),
                "pekko.persistence.query.journal.leveldb.write-plugin", "pekko.persistence.journal.leveldb"));
    }

    /** The in-memory journal with a throwaway snapshot directory: unit tests only. */
    public static Config inMemoryForTests(Path snapshotDir) {
        return ConfigFactory.parseMap(Map.of(
                "pekko.persistence.journal.plugin", "pekko.persistence.journal.inmem",
                "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local",
                "pekko.persistence.snapshot-store.local.dir", snapshotDir.toString()));
    }
}
