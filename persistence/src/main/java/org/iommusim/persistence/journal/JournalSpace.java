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

    private final Path dir;
    private final FileStore store;
    private final long minFreeBytes;

    private JournalSpace(Path dir, FileStore store, long minFreeBytes) {
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
            return Optional.of("cannot read the free space of " + dir + "'s file system: " + e.getMessage());
        }
        if (usable >= minFreeBytes) {
            return Optional.empty();
        }
        return Optional.of(dir + " is on a file system with " + usable + " bytes (" + mib(usable)
                + ") usable, below the " + minFreeBytes + " bytes (" + mib(minFreeBytes) + ") that " + MIN_FREE_KEY
                + " keeps free for LevelDB's log and compactions; free space on that file system");
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
