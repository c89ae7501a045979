package org.iommusim.persistence.replay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a LevelDB directory by LevelDB's own naming: {@code CURRENT}
 * (names the MANIFEST in force), {@code MANIFEST-<n>}, {@code <n>.log} (the
 * write-ahead logs), {@code <n>.ldb} or {@code <n>.sst} (tables). {@code LOCK}
 * and {@code LOG} (LevelDB's own diagnostics) hold no data.
 */
public final class LevelDbFiles {
    private static final Pattern DATA = Pattern.compile("(\\d+)\\.(log|ldb|sst)|MANIFEST-(\\d+)");
    private static final Pattern LOG = Pattern.compile("(\\d+)\\.log");

    private LevelDbFiles() {}

    /**
     * Whether {@code dir} holds LevelDB data files (logs, tables, a MANIFEST),
     * with or without {@code CURRENT}: a directory that does is a journal,
     * never a place to create a new one.
     */
    public static boolean holdsData(Path dir) {
        return !dataFiles(dir).isEmpty();
    }

    /** The names of the data files in {@code dir}, sorted; empty when there is no such directory. */
    public static List<String> dataFiles(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (DATA.matcher(name).matches() && Files.isRegularFile(f)) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw new JournalReadException("cannot list journal directory " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** The number of a {@code <n>.log} file name. */
    static Optional<Long> logNumber(String name) {
        Matcher m = LOG.matcher(name);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The file of table {@code number}: {@code .ldb} (LevelDB 1.14 on) or, as leveldbjni 1.8 writes, {@code .sst}. */
    static Path table(Path dir, long number) {
        Path ldb = dir.resolve(String.format("%06d.ldb", number));
        return Files.exists(ldb) ? ldb : dir.resolve(String.format("%06d.sst", number));
    }
}
