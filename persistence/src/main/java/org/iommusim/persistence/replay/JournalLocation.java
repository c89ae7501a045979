package org.iommusim.persistence.replay;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A data directory laid out as {@code JournalSettings} lays it out
 * ({@code journal/} LevelDB, {@code snapshots/} local snapshot files), or a
 * simulation's output folder holding one as its {@code journal/}, checked
 * before anything is read: it exists, holds a LevelDB journal, and no other
 * process has that journal open. Checking never writes.
 *
 * @param dataDir     the directory a run was given
 * @param journalDir  its LevelDB directory
 * @param snapshotDir its snapshot directory (may not exist: no snapshots)
 */
public record JournalLocation(Path dataDir, Path journalDir, Path snapshotDir) {

    /**
     * Resolves {@code dir}, which may be the data directory, its
     * {@code journal/} directory itself, or a simulation's output folder
     * (whose data directory is its {@code journal/}), and checks it. Throws
     * {@link JournalReadException} naming the path and the problem, and
     * {@link JournalDamagedException} for a LevelDB directory whose
     * {@code CURRENT} is missing.
     */
    public static JournalLocation check(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.exists(d)) {
            throw new JournalReadException("no journal at " + d + ": the directory does not exist");
        }
        if (!Files.isDirectory(d)) {
            throw new JournalReadException("no journal at " + d + ": not a directory");
        }
        JournalLocation loc = resolve(d);
        if (!Files.isRegularFile(loc.journalDir.resolve("CURRENT"))) {
            if (LevelDbFiles.holdsData(loc.journalDir)) {
                throw new JournalDamagedException(new JournalDamage(loc.journalDir.resolve("CURRENT"),
                        "missing (LevelDB files are there: " + String.join(", ", LevelDbFiles.dataFiles(loc.journalDir))
                                + ")", "every entity"));
            }
            throw new JournalReadException("no journal at " + d + ": expected a LevelDB journal in "
                    + loc.journalDir + " (its CURRENT file is missing)");
        }
        loc.checkNotLocked();
        return loc;
    }

    /** The layout {@code d} is in: a LevelDB named journal/, a data directory, or a run's output folder. */
    private static JournalLocation resolve(Path d) {
        if (isLevelDb(d) && d.getFileName() != null && d.getFileName().toString().equals("journal")) {
            return new JournalLocation(d.getParent(), d, d.getParent().resolve("snapshots"));
        }
        Path data = d.resolve("journal");
        if (!isLevelDb(data.resolve("journal")) || isLevelDb(data)) {
            return new JournalLocation(d, data, d.resolve("snapshots"));
        }
        return new JournalLocation(data, data.resolve("journal"), data.resolve("snapshots"));
    }

    private static boolean isLevelDb(Path dir) {
        return Files.isRegularFile(dir.resolve("CURRENT")) || LevelDbFiles.holdsData(dir);
    }

    /**
     * LevelDB holds an exclusive POSIX lock on {@code LOCK} while open; a shared
     * lock attempt from here fails exactly then. The file is opened read-only,
     * so a read-only archive of a journal can be checked too.
     */
    private void checkNotLocked() {
        Path lock = journalDir.resolve("LOCK");
        if (!Files.exists(lock)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ)) {
            FileLock held = ch.tryLock(0, Long.MAX_VALUE, true);
            if (held == null) {
                throw locked();
            }
            held.release();
        } catch (OverlappingFileLockException e) {
            throw locked();
        } catch (AccessDeniedException e) {
            throw new JournalReadException("cannot read journal lock file " + lock + ": permission denied");
        } catch (IOException e) {
            throw new JournalReadException("cannot check journal lock " + lock + ": " + e.getMessage(), e);
        }
    }

    private JournalReadException locked() {
        return new JournalReadException("journal " + journalDir + " is locked by another process (LevelDB LOCK is held);"
                + " stop that run first, or read a copy of the directory");
    }
}
