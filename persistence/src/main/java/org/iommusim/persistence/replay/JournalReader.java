package org.iommusim.persistence.replay;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.iommusim.persistence.journal.JournalSpace;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;

/**
 * Reads a data directory written by an earlier run (Pekko's LevelDB journal and
 * local snapshot store, laid out as {@code JournalSettings} lays them out)
 * without that run's configuration and without an ActorSystem, and without
 * changing a byte of it: the LevelDB is opened from a {@link PrivateCopy}.
 * Nothing is read before {@link JournalCheck} has found the journal whole;
 * reads verify LevelDB's checksums.
 *
 * <p>Entities are the persistence ids in the journal's id mapping, minus the
 * {@code $$$<tag>} ids Pekko makes up for tags (whose records are copies of
 * real events). Events stream through an {@link EventCursor}.
 */
public final class JournalReader implements AutoCloseable {
    private final JournalLocation location;
    private final PrivateCopy copy;
    private final DB db;
    private final PayloadDecoder decoder = new PayloadDecoder();
    /** Persistence id to numeric id, in {@link PersistenceIdOrder}, tags left out. */
    private final TreeMap<String, Integer> entities = new TreeMap<>(PersistenceIdOrder.INSTANCE);
    private final JournalCheck.Findings findings;

    private JournalReader(JournalLocation location, PrivateCopy copy, JournalCheck.Opened opened) {
        this.location = location;
        this.copy = copy;
        this.db = opened.db();
        this.findings = opened.findings();
        this.entities.putAll(opened.nids());
    }

    /**
     * Checks {@code dir} (see {@link JournalLocation#check}), opens a private
     * copy of its journal and checks that ({@link JournalCheck}, snapshots
     * included): a journal that cannot be trusted is refused with a
     * {@link JournalDamagedException} naming the file, the entity and the range.
     */
    public static JournalReader open(Path dir) {
        return open(dir, JournalSpace.minFreeBytes(ConfigFactory.load()));
    }

    /** As {@link #open(Path)}, with the copy's file system needing {@code minFreeBytes} usable. */
    static JournalReader open(Path dir, long minFreeBytes) {
        JournalLocation loc = JournalLocation.check(dir);
        PrivateCopy copy = PrivateCopy.of(loc.journalDir());
        try {
            JournalCheck.requireRoom(copy.dir(), minFreeBytes, loc.journalDir());
            return new JournalReader(loc, copy, JournalCheck.open(loc.journalDir(), loc.snapshotDir(), copy.dir(),
                    JournalCheck.Snapshots.STRICT));
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** What the check found: every entity's events, and notes (a log read up to a crash's cut). */
    public JournalCheck.Findings findings() {
        return findings;
    }

    private DBIterator iterator() {
        // one sequential pass: keep the scan out of the block cache
        return db.iterator(new ReadOptions().verifyChecksums(true).fillCache(false));
    }

    public JournalLocation location() {
        return location;
    }

    /** Every entity, in {@link PersistenceIdOrder}. */
    public List<String> persistenceIds() {
        return List.copyOf(entities.keySet());
    }

    public boolean contains(String persistenceId) {
        return entities.containsKey(persistenceId);
    }

    /** Counts and bounds of one entity's events (found by the check that opened this reader). */
    public Optional<EntitySummary> summary(String persistenceId) {
        return Optional.ofNullable(findings.entities().get(persistenceId));
    }

    /**
     * The highest sequence number ever written for an entity, from Pekko's
     * counter record: one lookup, no scan. 0 for an unknown entity.
     */
    public long highestSequenceNr(String persistenceId) {
        Integer nid = entities.get(persistenceId);
        byte[] counter = nid == null ? null : db.get(JournalKey.counter(nid).encode());
        return counter != null && counter.length == 8 ? java.nio.ByteBuffer.wrap(counter).getLong() : 0;
    }

    /** Events {@code [from, to]} of one entity, in sequence order; empty for an unknown entity. */
    public EventCursor events(String persistenceId, long from, long to) {
        Integer nid = entities.get(persistenceId);
        List<EventCursor.Range> ranges = nid == null ? List.of()
                : List.of(new EventCursor.Range(nid, persistenceId, from, to));
        return new EventCursor(iterator(), ranges, decoder);
    }

    /**
     * The stored records of events {@code [from, to]} of one entity, in
     * order, undecoded: the state-replay path. It seeks to the entity's first
     * key and stops at the first key of another entity, so no other entity's
     * record is read, and it builds no {@link JournalEvent}.
     */
    void records(String persistenceId, long from, long to, RecordSink sink) {
        Integer nid = entities.get(persistenceId);
        if (nid == null) {
            return;
        }
        try (DBIterator it = iterator()) {
            EventKeys keys = new EventKeys(it);
            keys.start(nid, Math.max(1, from), to);
            for (Map.Entry<byte[], byte[]> e = keys.next(); e != null; e = keys.next()) {
                sink.accept(JournalKey.sequenceNr(e.getKey()), e.getValue());
            }
        } catch (IOException e) {
            throw new JournalReadException("cannot read journal " + location.journalDir() + ": " + e.getMessage(), e);
        }
    }

    /** Every event of every entity: by persistence id ({@link PersistenceIdOrder}), then sequence number. */
    public EventCursor allEvents() {
        List<EventCursor.Range> ranges = new ArrayList<>();
        entities.forEach((pid, nid) -> ranges.add(new EventCursor.Range(nid, pid, 1, Long.MAX_VALUE)));
        return new EventCursor(iterator(), ranges, decoder);
    }

    /** Every snapshot file, by persistence id, sequence number and timestamp. */
    public List<SnapshotInfo> snapshots() {
        return SnapshotFiles.list(location.snapshotDir());
    }

    public List<SnapshotInfo> snapshots(String persistenceId) {
        return snapshots().stream().filter(s -> s.persistenceId().equals(persistenceId)).toList();
    }

    /** The state a snapshot holds, or an {@link Undecoded} saying why it cannot be read. */
    public Object readSnapshot(SnapshotInfo snapshot) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(snapshot.file());
        } catch (IOException e) {
            throw new JournalReadException("cannot read snapshot " + snapshot.file() + ": " + e.getMessage(), e);
        }
        return decoder.snapshot(bytes, snapshot.persistenceId() + " #" + snapshot.sequenceNr());
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (IOException e) {
            // closing a read-only private copy loses nothing
        } finally {
            copy.close();
        }
    }
}
