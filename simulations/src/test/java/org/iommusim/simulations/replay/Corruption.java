package org.iommusim.simulations.replay;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

    /** The last (by name) file in {@code dir} whose name ends in, or for a "...-" prefix starts with, {@code kind}. */
    static Path only(Path dir, String kind) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> kind.endsWith("-") ? p.getFileName().toString().startsWith(kind)
                    : p.getFileName().toString().endsWith(kind)).sorted().forEach(found::add);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + kind + " file in " + dir);
        }
        return found.get(found.size() - 1);
    }

    private static void flip(Path file, long at, int n) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] b = new byte[n];
            f.seek(at);
            f.readFully(b);
            for (int i = 0; i < n; i++) {
                b[i] ^= (byte) 0xFF;
            }
            f.seek(at);
            f.write(b);
        }
    }

    private static void write(Path file, long at, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(bytes);
        }
    }

    /** Cuts {@code n} bytes off the end of the log: what a crash leaves. */
    static void cutLogTail(Path data, int n) throws IOException {
        Path log = only(data.resolve("journal"), ".log");
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(f.length() - n);
        }
    }

    /** A copy of {@code from} at {@code to}, LevelDB's LOCK left out. */
    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("LOCK")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
