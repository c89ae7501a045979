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
import java.util.Optional;
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
 *
 * <p>The journal and snapshot store are guarded against a full disk
 * ({@link GuardedLeveldbJournal}, {@link GuardedSnapshotStore}): LevelDB 1.8
 * writes through {@code mmap}, so writing onto a full file system would kill
 * the JVM. Below {@link JournalSpace#MIN_FREE_KEY} usable bytes, writes fail
 * and {@link #prepare} refuses to start.
 */
public final class JournalSettings {
    /** Directories this JVM has open, since LevelDB's own lock does not stop a second open in-process. */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final boolean fsync;
    private final boolean nativeLevelDb;
    private final long minFreeBytes;

    private JournalSettings(Path dataDir, boolean fsync, boolean nativeLevelDb, long minFreeBytes) {
        this.dataDir = dataDir;
        this.fsync = fsync;
        this.nativeLevelDb = nativeLevelDb;
        this.minFreeBytes = minFreeBytes;
    }

    /**
     * LevelDB under {@code dataDir}, fsync on, native LevelDB where the JNI
     * library exists, the free-space threshold from the application's
     * configuration ({@value JournalSpace#MIN_FREE_KEY}).
     */
    public static JournalSettings levelDb(Path dataDir) {
        return new JournalSettings(dataDir.toAbsolutePath().normalize(), true, nativeAvailable(),
                JournalSpace.minFreeBytes(ConfigFactory.load()));
    }

    public JournalSettings withFsync(boolean on) {
        return new JournalSettings(dataDir, on, nativeLevelDb, minFreeBytes);
    }

    /** Forces the pure-Java LevelDB port ({@code native = off}), e.g. where JNI is unavailable. */
    public JournalSettings withNative(boolean on) {
        return new JournalSettings(dataDir, fsync, on, minFreeBytes);
    }

    /** The usable bytes below which the journal refuses to start and to write. */
    public JournalSettings withMinFreeBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException(JournalSpace.MIN_FREE_KEY + " must not be negative, got " + bytes);
        }
        return new JournalSettings(dataDir, fsync, nativeLevelDb, bytes);
    }

    public long minFreeBytes() {
        return minFreeBytes;
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
     * writable, not in use, and on a file system with at least
     * {@link #minFreeBytes} usable, then marks them in use by this JVM until
     * {@link #release} and clears the journal's {@link JournalHealth} record.
     * Throws {@link JournalUnavailableException} naming the problem; never
     * leaves a half-prepared journal behind.
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
        checkSpace();
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
        JournalHealth.clear(journalDir());
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

    /** Opening LevelDB writes (the log is replayed into a new table): on a full disk that would crash the JVM. */
    private void checkSpace() {
        Optional<String> shortfall;
        try {
            shortfall = JournalSpace.of(journalDir(), minFreeBytes).shortfall();
        } catch (IOException e) {
            shortfall = Optional.of("cannot find the file system of " + journalDir() + ": " + e.getMessage());
        }
        if (shortfall.isPresent()) {
            throw new JournalUnavailableException("journal not started: " + shortfall.get());
        }
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
        return ConfigFactory.parseMap(Map.ofEntries(
                Map.entry("pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb"),
                Map.entry("pekko.persistence.journal.leveldb.class", GuardedLeveldbJournal.class.getName()),
                Map.entry("pekko.persistence.snapshot-store.local.class", GuardedSnapshotStore.class.getName()),
                Map.entry(JournalSpace.MIN_FREE_KEY, minFreeBytes),
                Map.entry("pekko.persistence.journal.leveldb.dir", journalDir().toString()),
                Map.entry("pekko.persistence.journal.leveldb.fsync", fsync),
                Map.entry("pekko.persistence.journal.leveldb.native", nativeLevelDb),
                // LevelDB writes inside the journal actor's turn (asyncWriteMessages returns a completed future), so
                // the breaker's call timeout cannot stop a slow write, only report it failed while it goes on and
                // lands: a write stalled behind LevelDB's compaction for more than the default 10 s then stopped the
                // entity (a TBU worker out of service) over events that were written. No timeout: a slow write is
                // slow; the callers' own call timeouts still answer them. Failures still count towards opening it.
                Map.entry("pekko.persistence.journal.leveldb.circuit-breaker.call-timeout", "0s"),
                Map.entry("pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local"),
                Map.entry("pekko.persistence.snapshot-store.local.dir", snapshotDir().toString())));
    }

    /** The in-memory journal with a throwaway snapshot directory: unit tests only. */
    public static Config inMemoryForTests(Path snapshotDir) {
        return ConfigFactory.parseMap(Map.of(
                "pekko.persistence.journal.plugin", "pekko.persistence.journal.inmem",
                "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local",
                "pekko.persistence.snapshot-store.local.dir", snapshotDir.toString()));
    }
}
