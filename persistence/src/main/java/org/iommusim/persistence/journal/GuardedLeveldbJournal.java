package org.iommusim.persistence.journal;

import com.typesafe.config.Config;
import java.io.IOError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.Optional;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import org.iq80.leveldb.Options;
import scala.PartialFunction;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.runtime.BoxedUnit;
import scala.util.Failure;
import scala.util.Try;

/**
 * Pekko's LevelDB journal, guarded against a full disk: a write (or delete)
 * is refused with {@link JournalWriteFailedException} while the journal's
 * file system has less than {@link JournalSpace}'s threshold usable, and the
 * journal refuses to open then ({@link JournalUnavailableException}), because
 * LevelDB 1.8 writes through {@code mmap} and would kill the JVM with SIGBUS
 * rather than fail. Any LevelDB error during a write becomes the same
 * failure. Every failure is recorded in {@link JournalHealth}.
 *
 * <p>The check is one {@code statvfs} per write batch, or none while a
 * reading under 10 ms old was far above the threshold
 * ({@link JournalSpace#shortfallForWrite}). It cannot stop another process
 * from filling the disk between two checks; the threshold is what LevelDB
 * itself may still write after the last accepted batch.
 * {@link JournalSettings#toConfig()} selects this class for the
 * {@code pekko.persistence.journal.leveldb} plugin.
 */
@SuppressWarnings("deprecation") // Pekko deprecates its LevelDB journal; it is still this project's default store
public class GuardedLeveldbJournal extends LeveldbJournal {
    /** Plugin setting: write and answer each batch inside the journal's turn ({@link InTurnWrite}); off by default. */
    public static final String IN_TURN = "iommu-sim-writes-in-turn";

    /**
     * Plugin setting: the record serializer stamps each record's timestamp (a deterministic system's, with
     * virtual time), so the journal reads no clock for it; off by default.
     */
    public static final String SERIALIZER_STAMPS_TIME = "iommu-sim-serializer-stamps-time";

    private final Path dir;
    private final long minFreeBytes;
    private final boolean inTurn;
    private final boolean wallClockStamps;
    private JournalSpace space;

    /** Pekko passes the plugin's configuration ({@code dir}, {@code fsync}, ...); the threshold is system-wide. */
    public GuardedLeveldbJournal(Config cfg) {
        super(cfg);
        this.dir = leveldbDir().toPath().toAbsolutePath().normalize();
        this.minFreeBytes = JournalSpace.minFreeBytes(context().system().settings().config());
        this.inTurn = cfg.hasPath(IN_TURN) && cfg.getBoolean(IN_TURN);
        this.wallClockStamps = !(cfg.hasPath(SERIALIZER_STAMPS_TIME) && cfg.getBoolean(SERIALIZER_STAMPS_TIME));
    }

    @Override
    public void aroundReceive(PartialFunction<Object, BoxedUnit> receive, Object msg) {
        if (inTurn && msg instanceof JournalProtocol.WriteMessages w) {
            InTurnWrite.run(w, this::preparePersistentBatch, this::asyncWriteMessages, self());
        } else {
            super.aroundReceive(receive, msg);
        }
    }

    @Override
    public void preStart() {
        Optional<String> shortfall;
        try {
            space = JournalSpace.of(dir, minFreeBytes);
            shortfall = space.shortfall();
        } catch (IOException e) {
            shortfall = Optional.of("cannot find the file system of " + dir + ": " + e.getMessage());
        }
        if (shortfall.isPresent()) {
            String reason = "the LevelDB journal refused to open: " + shortfall.get();
            record(reason);
            throw new JournalUnavailableException(reason);
        }
        try {
            super.preStart();
        } catch (Exception e) { // leveldbjni throws its DBException, a checked IOException, through Scala's code
            String reason = "cannot open the LevelDB journal in " + dir + ": " + e;
            record(reason);
            throw new JournalUnavailableException(reason, e);
        }
    }

    /**
     * Pekko's options create a database wherever none opens; over a journal
     * whose {@code CURRENT} is lost that would be a new, empty database, and
     * LevelDB would then delete the old tables as obsolete. Creation is for a
     * directory without LevelDB data files only.
     */
    @Override
    public Options leveldbOptions() {
        return super.leveldbOptions().createIfMissing(!holdsLevelDbData(dir));
    }

    private static boolean holdsLevelDbData(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> LEVELDB_DATA.matcher(f.getFileName().toString()).matches());
        } catch (IOException e) {
            return false; // no directory yet: LevelDB creates it, and there is nothing in it to lose
        }
    }

    private static final Pattern LEVELDB_DATA = Pattern.compile("CURRENT|MANIFEST-\\d+|\\d+\\.(log|ldb|sst)");

    @Override
    public void postStop() {
        if (leveldb() != null) { // null when the open was refused
            super.postStop();
        }
    }

    @Override
    public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
        Optional<String> shortfall = space.shortfallForWrite();
        if (shortfall.isPresent()) {
            return refused("journal write refused, nothing of it stored: " + shortfall.get());
        }
        Future<Seq<Try<BoxedUnit>>> f;
        try {
            f = hasPersistenceIdSubscribers() || hasTagSubscribers() ? super.asyncWriteMessages(messages)
                    : BatchWrite.write(this, messages, wallClockStamps);
        } catch (RuntimeException | IOError | InternalError e) {
            // InternalError: the pure-Java LevelDB's mapped buffers report a fault this way
            return Promise.<Seq<Try<BoxedUnit>>>failed(failure(e)).future();
        }
        if (f.isCompleted()) { // LevelDB writes synchronously: no hop through a dispatcher on the hot path
            Try<Seq<Try<BoxedUnit>>> t = f.value().get();
            return t.isFailure() ? Promise.<Seq<Try<BoxedUnit>>>failed(failure(t.failed().get())).future() : f;
        }
        return f.transform(t -> t.isFailure() ? new Failure<>(failure(t.failed().get())) : t, context().dispatcher());
    }

    @Override
    public Future<BoxedUnit> asyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        Optional<String> shortfall = space.shortfallForWrite();
        if (shortfall.isPresent()) {
            return refused("journal delete refused: " + shortfall.get());
        }
        Future<BoxedUnit> f = super.asyncDeleteMessagesTo(persistenceId, toSequenceNr);
        if (f.isCompleted() && f.value().get().isFailure()) {
            return Promise.<BoxedUnit>failed(failure(f.value().get().failed().get())).future();
        }
        return f;
    }

    private <T> Future<T> refused(String reason) {
        record(reason);
        return Promise.<T>failed(new JournalWriteFailedException(reason)).future();
    }

    private JournalWriteFailedException failure(Throwable cause) {
        String reason = "journal write failed in " + dir + ": " + cause;
        record(reason);
        return new JournalWriteFailedException(reason, cause);
    }

    private void record(String reason) {
        if (JournalHealth.failed(dir, reason)) {
            log().error("{}", reason);
        }
    }
}
