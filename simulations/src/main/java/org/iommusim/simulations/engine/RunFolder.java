package org.iommusim.simulations.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.journal.JournalUnavailableException;

/**
 * A simulation's output folder, held for the whole run: its journal
 * ({@code journal/}), its reports, and a marker saying a run wrote them.
 *
 * <p>{@link #claim} takes the folder's lock file ({@value #LOCK_FILE}, a
 * {@link FileLock} held until {@link #close}) before it deletes or writes
 * anything else there, so a second run on the same folder, in another process
 * or in this JVM, is refused instead of deleting the first run's journal
 * under it. The lock file stays when the run ends: deleting it would let a
 * run that opened it just before lock a file no later run can see.
 *
 * <p>Nothing is ever deleted that a run did not write: a folder holding
 * anything else ({@link RunFolderContents}) is refused, replacement or not.
 * Messages are written for {@code iommu-sim simulate}, whose {@code --force}
 * asks for replacement.
 */
public final class RunFolder implements AutoCloseable {
    /** The lock file a running simulation holds; it stays in the folder afterwards. */
    public static final String LOCK_FILE = ".iommu-sim.lock";
    /** Written when a run starts: the folder holds a run (with or without its journal and reports yet). */
    public static final String MARKER_FILE = ".iommu-sim-run";
    private static final String MARKER_TEXT = "This folder holds an iommu-sim simulation run. `iommu-sim simulate"
            + " --force` replaces journal/, report.json, report.html and this file; nothing else here is touched.\n";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunFolder(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code folder} if missing, locks it, and makes it ready for a
     * new run: an earlier run's files are deleted when {@code replace} is
     * set, refused otherwise.
     *
     * @throws RunFolderException naming the folder, with nothing deleted, when
     *         the path is a file or under one, cannot be created or written, is
     *         in use by a running simulation, holds an earlier run and
     *         {@code replace} is off, or holds anything a run did not write
     */
    public static RunFolder claim(Path folder, boolean replace) {
        Path dir = folder.toAbsolutePath().normalize();
        checkCreatable(dir);
        if (Files.isDirectory(dir)) {
            refuseForeign(dir, contents(dir)); // before the lock file is written into someone else's folder
        }
        create(dir);
        FileChannel channel = openLockFile(dir);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            close(channel);
            throw new RunFolderException("cannot lock output folder " + dir + ": " + reason(e), e);
        }
        if (lock == null) {
            close(channel);
            throw new RunFolderException("output folder " + dir
                    + " is in use by a running simulation; wait for it to finish or choose another folder");
        }
        RunFolder held = new RunFolder(dir, channel, lock);
        try {
            held.prepare(replace);
            return held;
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /** The folder, absolute. */
    public Path dir() {
        return dir;
    }

    /** The model's data folder for this run ({@code journal/}, holding LevelDB's {@code journal/} and {@code snapshots/}). */
    public Path journalDir() {
        return dir.resolve(RunFolderContents.JOURNAL);
    }

    /** Releases the lock; the run's files, the marker and the lock file stay. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it as well
        }
        close(channel);
    }

    /** Under the lock: the folder is looked at again, since another run may have written it meanwhile. */
    private void prepare(boolean replace) {
        RunFolderContents c = contents(dir);
        refuseForeign(dir, c);
        if (c.holdsRun()) {
            if (Files.isDirectory(journalDir())) {
                try {
                    JournalSettings.levelDb(journalDir()).checkNotInUse();
                } catch (JournalUnavailableException e) {
                    throw new RunFolderException("output folder " + dir + " is in use: " + e.getMessage(), e);
                }
            }
            if (!replace) {
                throw new RunFolderException("output folder " + dir + " holds an earlier run (" + c.runNames(dir)
                        + "); add --force to replace it, or choose another folder");
            }
            try {
                c.deleteRun();
            } catch (IOException e) {
                throw new RunFolderException("cannot replace the earlier run in " + dir + ": " + reason(e), e);
            }
        }
        try {
            Files.writeString(dir.resolve(MARKER_FILE), MARKER_TEXT, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RunFolderException("output folder " + dir + " is not writable: " + reason(e), e);
        }
    }

    /** An existing file, or a file where a parent folder should be, can never become the folder. */
    private static void checkCreatable(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new RunFolderException("output folder " + dir + " is an existing file, not a folder");
        }
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new RunFolderException("cannot create output folder " + dir + ": " + p + " is a file");
                }
                return;
            }
        }
    }

    private static void create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RunFolderException("cannot create output folder " + dir + ": " + reason(e), e);
        }
    }

    private static FileChannel openLockFile(Path dir) {
        try {
            return FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new RunFolderException("output folder " + dir + " is not writable: " + reason(e), e);
        }
    }

    private static RunFolderContents contents(Path dir) {
        try {
            return RunFolderContents.of(dir);
        } catch (IOException e) {
            throw new RunFolderException("cannot read output folder " + dir + ": " + reason(e), e);
        }
    }

    private static void refuseForeign(Path dir, RunFolderContents c) {
        if (!c.foreign().isEmpty()) {
            throw new RunFolderException("output folder " + dir + " holds files iommu-sim did not write ("
                    + c.foreignNames() + "); it is never cleared, even with --force: choose a new or empty folder");
        }
    }

    /** One line for a file-system failure: which path, and why, without the exception's class name. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof DirectoryNotEmptyException d) {
            return d.getFile() + ": something was added to it meanwhile";
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return (f.getFile() != null ? f.getFile() + ": " : "") + f.getReason();
        }
        String m = e.getMessage();
        return m != null ? m.replaceAll("\\R", " ") : e.getClass().getSimpleName();
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it; closing is best effort
        }
    }
}
