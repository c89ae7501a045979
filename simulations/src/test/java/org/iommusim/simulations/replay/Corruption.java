package org.iommusim.simulations.replay;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iommusim.actors.testing.JournalDamage;

/** The ways the corruption matrix damages a copy of a real journal (a data directory: journal/, snapshots/). */
enum Corruption {
    LOG_BYTES_FLIPPED, LOG_BLOCK_ZEROED, TABLE_BYTES_FLIPPED, TABLE_BLOCK_ZEROED, TABLE_TRUNCATED, CURRENT_DELETED,
    MANIFEST_EMPTIED, SNAPSHOT_JUNK;

    private static final int LOG_BLOCK = 32_768;

    /** Damages the journal under {@code data}; returns the file it damaged. */
    Path apply(Path data) throws IOException {
        Path journal = data.resolve("journal");
        switch (this) {
            case LOG_BYTES_FLIPPED -> {
                Path log = only(journal, ".log");
                flip(log, Files.size(log) / 2, 64);
                return log;
            }
            case LOG_BLOCK_ZEROED -> {
                Path log = only(journal, ".log");
                long blocks = Files.size(log) / LOG_BLOCK;
                if (blocks < 3) {
                    throw new IllegalStateException("the log is too short to zero a block inside it: " + log);
                }
                write(log, blocks / 2 * LOG_BLOCK, new byte[LOG_BLOCK]);
                return log;
            }
            case TABLE_BYTES_FLIPPED -> {
                Path table = only(journal, ".sst");
                flip(table, Files.size(table) / 2, 64);
                return table;
            }
            case TABLE_BLOCK_ZEROED -> {
                Path table = only(journal, ".sst");
                write(table, Files.size(table) / 3, new byte[4_096]);
                return table;
            }
            case TABLE_TRUNCATED -> {
                Path table = only(journal, ".sst");
                try (RandomAccessFile f = new RandomAccessFile(table.toFile(), "rw")) {
                    f.setLength(f.length() * 3 / 4);
                }
                return table;
            }
            case CURRENT_DELETED -> {
                Files.delete(journal.resolve("CURRENT"));
                return journal.resolve("CURRENT");
            }
            case MANIFEST_EMPTIED -> {
                Path manifest = only(journal, "MANIFEST-");
                Files.write(manifest, new byte[0]);
                return manifest;
            }
            case SNAPSHOT_JUNK -> {
                Path snapshot = only(data.resolve("snapshots"), "snapshot-domain-1-");
                write(snapshot, Files.size(snapshot) / 2, "junk in a snapshot".getBytes(StandardCharsets.US_ASCII));
                return snapshot;
            }
            default -> throw new IllegalStateException(name());
        }
    }

    static Path only(Path dir, String kind) throws IOException {
        return JournalDamage.last(dir, kind);
    }

    private static void flip(Path file, long at, int n) throws IOException {
        JournalDamage.flip(file, at, n);
    }

    private static void write(Path file, long at, byte[] bytes) throws IOException {
        JournalDamage.write(file, at, bytes);
    }

    static void cutLogTail(Path data, int n) throws IOException {
        JournalDamage.cutLogTail(data, n);
    }

    static void copy(Path from, Path to) throws IOException {
        JournalDamage.copy(from, to);
    }
}
