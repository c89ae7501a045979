package org.iommusim.persistence.journal;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The free-space rule that keeps a full disk from killing the JVM.
 *
 * <p>leveldbjni 1.8's LevelDB writes its log and tables through {@code mmap};
 * when the file system is full, the store into a mapped page faults (SIGBUS)
 * and the JVM dies with an hs_err file, instead of a write failing. So the
 * journal refuses to write, and to open, once the usable space of its file
 * system drops below {@value #MIN_FREE_KEY} (reference.conf explains the
 * default figure).
 */
public final class JournalSpace {
    /** The configuration key of the threshold, in bytes (HOCON sizes such as {@code 64 MiB} work). */
    public static final String MIN_FREE_KEY = "iommu-sim.journal.min-free-bytes";

    /** A reading at least this far above the threshold is trusted for {@link #RECHECK_NANOS}. */
    static final long FAR_ABOVE = 64L << 20;
    /**
     * 10 ms: the journal cannot write {@link #FAR_ABOVE} in that time (it
     * would take 6 GB/s), and a reading costs a few microseconds, as much as a
     * small LevelDB write without fsync.
     */
    static final long RECHECK_NANOS = 10_000_000L;

    private final Path dir;
    private final FileStore store;
    private final long minFreeBytes;
    private long lastReadAt;
    private long lastUsable = -1;

    JournalSpace(Path dir, FileStore store, long minFreeBytes) {
        this.dir = dir;
        this.store = store;
        this.minFreeBytes = minFreeBytes;
    }

    /**
     * The rule for {@code dir} (or, while it does not exist yet, its nearest
     * existing ancestor, which is on the file system it will be created on).
     * The file store is resolved once: asking for it reads the mount table,
     * asking it for usable space is one {@code statvfs}.
     */
    public static JournalSpace of(Path dir, long minFreeBytes) throws IOException {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException(MIN_FREE_KEY + " must not be negative, got " + minFreeBytes);
        }
        Path d = dir.toAbsolutePath().normalize();
        Path existing = d;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IOException("no existing ancestor of " + d);
        }
        return new JournalSpace(d, Files.getFileStore(existing), minFreeBytes);
    }

    /** The threshold in {@code config} ({@value #MIN_FREE_KEY}). */
    public static long minFreeBytes(Config config) {
        long v = config.getBytes(MIN_FREE_KEY);
        if (v < 0) {
            throw new IllegalArgumentException(MIN_FREE_KEY + " must not be negative, got " + v);
        }
        return v;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /**
     * Empty while the file system has at least the threshold free; otherwise
     * why not, naming the directory, the usable bytes and the threshold. A
     * file system that cannot say how much is free counts as short: guessing
     * wrong would crash the JVM.
     */
    public Optional<String> shortfall() {
        long usable;
        try {
            usable = store.getUsableSpace();
        } catch (IOException e) {
            lastUsable = -1;
            return Optional.of("cannot read the free space of " + dir + "'s file system: " + e.getMessage());
        }
        lastReadAt = System.nanoTime();
        lastUsable = usable;
        if (usable >= minFreeBytes) {
            return Optional.empty();
        }
        return Optional.of(dir + " is on a file system with " + usable + " bytes (" + mib(usable)
                + ") usable, below the " + minFreeBytes + " bytes (" + mib(minFreeBytes) + ") that " + MIN_FREE_KEY
                + " keeps free for LevelDB's log and compactions; free space on that file system");
    }

    /**
     * {@link #shortfall()} for the write path: a reading taken less than
     * {@link #RECHECK_NANOS} ago that was at least {@link #FAR_ABOVE} above
     * the threshold stands; otherwise the file system is asked again. Not
     * thread-safe: one journal actor uses it.
     */
    public Optional<String> shortfallForWrite() {
        if (lastUsable - minFreeBytes >= FAR_ABOVE && System.nanoTime() - lastReadAt < RECHECK_NANOS) {
            return Optional.empty();
        }
        return shortfall();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
