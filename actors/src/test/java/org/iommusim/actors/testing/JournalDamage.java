package org.iommusim.actors.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How the integrity tests damage a copy of a journal (a data directory:
 * journal/, snapshots/), shared by the replay tools' tests and the model's
 * start tests so both judge the same damage.
 */
public final class JournalDamage {
    private JournalDamage() {}

    /** The files in {@code dir} whose name ends in, or for a "...-" prefix starts with, {@code kind}, by name. */
    public static List<Path> files(Path dir, String kind) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> kind.endsWith("-") ? p.getFileName().toString().startsWith(kind)
                    : p.getFileName().toString().endsWith(kind)).sorted().forEach(found::add);
        }
        return found;
    }

    /** The last (by name) such file; fails when there is none. */
    public static Path last(Path dir, String kind) throws IOException {
        List<Path> found = files(dir, kind);
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + kind + " file in " + dir);
        }
        return found.get(found.size() - 1);
    }

    /** The one such file; fails unless there is exactly one. */
    public static Path only(Path dir, String kind) throws IOException {
        List<Path> found = files(dir, kind);
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + kind + " file in " + dir + ", found " + found);
        }
        return found.get(0);
    }

    /** Inverts {@code n} bytes of {@code file} from {@code at}. */
    public static void flip(Path file, long at, int n) throws IOException {
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

    /** Writes {@code bytes} over {@code file} at {@code at}. */
    public static void write(Path file, long at, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(bytes);
        }
    }

    /** Cuts {@code n} bytes off the end of the journal's one log: what a crash leaves. */
    public static void cutLogTail(Path data, int n) throws IOException {
        Path log = only(data.resolve("journal"), ".log");
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(f.length() - n);
        }
    }

    /** A copy of {@code from} at {@code to}, LevelDB's LOCK left out (as a copy of a closed journal). */
    public static void copy(Path from, Path to) throws IOException {
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
