package org.iommusim.persistence.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A throwaway copy of a LevelDB directory to open instead of the original:
 * opening a LevelDB writes (LOCK, a new log and manifest, maybe a compaction),
 * and a recorded journal must never change. Table files ({@code *.ldb},
 * {@code *.sst}) are immutable once written, so they are hard-linked where the
 * file system allows it and copied otherwise; everything else is copied.
 */
final class PrivateCopy implements AutoCloseable {
    private final Path dir;

    private PrivateCopy(Path dir) {
        this.dir = dir;
    }

    static PrivateCopy of(Path journalDir) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("iommu-sim-replay-");
        } catch (IOException e) {
            throw new JournalReadException("cannot create a temporary directory to read " + journalDir + ": " + e, e);
        }
        return fill(tmp, journalDir);
    }

    /**
     * A copy in a new directory under {@code parent}, named {@code prefix...}:
     * on the journal's own file system, tables are hard-linked rather than
     * copied, however large the journal. For the model's own data directory
     * only, never beside a recorded journal that must stay as it is.
     */
    static PrivateCopy beside(Path journalDir, Path parent, String prefix) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            return of(journalDir);
        }
        return fill(tmp, journalDir);
    }

    private static PrivateCopy fill(Path tmp, Path journalDir) {
        PrivateCopy copy = new PrivateCopy(tmp);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journalDir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.equals("LOCK") || !Files.isRegularFile(f)) {
                    continue;
                }
                copy.take(f, name.endsWith(".ldb") || name.endsWith(".sst"));
            }
        } catch (IOException | RuntimeException e) {
            copy.close();
            throw new JournalReadException("cannot copy journal " + journalDir + " for reading: " + e.getMessage(), e);
        }
        return copy;
    }

    private void take(Path source, boolean immutable) throws IOException {
        Path target = dir.resolve(source.getFileName().toString());
        if (immutable) {
            try {
                Files.createLink(target, source);
                return;
            } catch (IOException | UnsupportedOperationException e) {
                // another file system, or no hard links: fall through to a copy
            }
        }
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the private journal copy " + dir, e);
        }
    }
}
