package org.iommusim.persistence.replay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.persistence.serialization.IommuSimSerializer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * Writes a journal directly in the layout of Pekko's LevelDB journal, for
 * benchmarks and tests that need journals no actor run could produce
 * quickly (a million events) or at all (IOTLB shards before their actor
 * exists). Same keys ({@link JournalKey}: id mapping, counter, events) and
 * the same {@code PersistentMessage} bytes Pekko's {@code MessageSerializer}
 * produces, field for field in field-number order: payload (serializer id,
 * payload, manifest), sequenceNr, persistenceId, writerUuid, timestamp
 * (sint64). {@code PekkoRecordWriterTest} checks the bytes against records
 * the real actors wrote.
 *
 * <p>Writes go in unsynced batches: this is for fixtures, not for durability.
 */
public final class PekkoRecordWriter implements AutoCloseable {
    private static final int BATCH = 4096;
    private static final IommuSimSerializer SERIALIZER = new IommuSimSerializer();

    private final DB db;
    private final String writerUuid;
    private final Map<String, Integer> nids = new LinkedHashMap<>();
    private final Map<Integer, Long> highest = new LinkedHashMap<>();
    private WriteBatch batch;
    private int pending;

    private PekkoRecordWriter(DB db, String writerUuid) {
        this.db = db;
        this.writerUuid = writerUuid;
        this.batch = db.createWriteBatch();
    }

    /** A new journal under {@code dataDir/journal} (as {@code JournalSettings} lays it out). */
    public static PekkoRecordWriter create(Path dataDir, String writerUuid) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("journal"));
        return new PekkoRecordWriter(JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true)),
                writerUuid);
    }

    /** Appends {@code payload} as the next event of {@code persistenceId}; returns its sequence number. */
    public long append(String persistenceId, Object payload, long timestamp) {
        int nid = nids.computeIfAbsent(persistenceId, pid -> {
            int n = JournalKey.FIRST_NID + nids.size();
            batch.put(JournalKey.mapping(n).encode(), pid.getBytes(StandardCharsets.UTF_8));
            return n;
        });
        long seq = highest.merge(nid, 1L, Long::sum);
        batch.put(JournalKey.event(nid, seq).encode(), message(persistenceId, seq, IommuSimSerializer.IDENTIFIER,
                SERIALIZER.manifest(payload), SERIALIZER.toBinary(payload), writerUuid, timestamp));
        // Pekko updates the counter in the same batch as each write
        batch.put(JournalKey.counter(nid).encode(), ByteBuffer.allocate(8).putLong(seq).array());
        if (++pending >= BATCH) {
            flush();
        }
        return seq;
    }

    /**
     * Appends a record as another journal stored it (serializer id, manifest
     * and payload untouched): the next event of its entity, whose sequence
     * number it must be.
     */
    public void appendStored(StoredRecords.Row row) {
        int nid = nids.computeIfAbsent(row.persistenceId(), pid -> {
            int n = JournalKey.FIRST_NID + nids.size();
            batch.put(JournalKey.mapping(n).encode(), pid.getBytes(StandardCharsets.UTF_8));
            return n;
        });
        long seq = highest.merge(nid, 1L, Long::sum);
        if (seq != row.sequenceNr()) {
            throw new IllegalArgumentException(row.persistenceId() + " #" + row.sequenceNr() + " appended after #"
                    + (seq - 1));
        }
        batch.put(JournalKey.event(nid, seq).encode(), message(row.persistenceId(), seq, row.serializerId(),
                row.manifest(), row.payload(), row.writerUuid(), row.timestamp()));
        batch.put(JournalKey.counter(nid).encode(), ByteBuffer.allocate(8).putLong(seq).array());
        if (++pending >= BATCH) {
            flush();
        }
    }

    private void flush() {
        db.write(batch, new WriteOptions().sync(false));
        try {
            batch.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        batch = db.createWriteBatch();
        pending = 0;
    }

    /** The {@code PersistentMessage} bytes Pekko stores for one event. */
    public static byte[] message(String persistenceId, long seq, int serializerId, String manifest, byte[] payload,
            String writerUuid, long timestamp) {
        ByteArrayOutputStream p = new ByteArrayOutputStream(payload.length + 16);
        tag(p, 1, 0);
        varint(p, serializerId);
        bytes(p, 2, payload);
        if (!manifest.isEmpty()) {
            bytes(p, 3, manifest.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream m = new ByteArrayOutputStream(payload.length + 64);
        bytes(m, 1, p.toByteArray());
        tag(m, 2, 0);
        varint(m, seq);
        bytes(m, 3, persistenceId.getBytes(StandardCharsets.UTF_8));
        bytes(m, 13, writerUuid.getBytes(StandardCharsets.UTF_8));
        if (timestamp > 0) {
            tag(m, 14, 0);
            varint(m, (timestamp << 1) ^ (timestamp >> 63));
        }
        return m.toByteArray();
    }

    /**
     * A snapshot file as Pekko's local snapshot store writes it, named
     * {@code snapshot-<URL-encoded id>-<seq>-<timestamp>} in {@code dataDir/snapshots}.
     */
    public static Path snapshot(Path dataDir, String persistenceId, long seq, long timestamp, Object state)
            throws IOException {
        byte[] manifest = SERIALIZER.manifest(state).getBytes(StandardCharsets.UTF_8);
        byte[] payload = SERIALIZER.toBinary(state);
        ByteBuffer b = ByteBuffer.allocate(8 + manifest.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4 + manifest.length).putInt(IommuSimSerializer.IDENTIFIER).put(manifest).put(payload);
        String name = "snapshot-" + java.net.URLEncoder.encode(persistenceId, StandardCharsets.UTF_8) + "-" + seq + "-"
                + timestamp;
        return Files.write(Files.createDirectories(dataDir.resolve("snapshots")).resolve(name), b.array());
    }

    /** A snapshot file from a snapshot another store kept (serializer id, manifest, payload untouched). */
    public static Path snapshotStored(Path dataDir, String persistenceId, long seq, long timestamp, int serializerId,
            String manifest, byte[] payload) throws IOException {
        byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + m.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4 + m.length).putInt(serializerId).put(m).put(payload);
        String name = "snapshot-" + java.net.URLEncoder.encode(persistenceId, StandardCharsets.UTF_8) + "-" + seq + "-"
                + timestamp;
        return Files.write(Files.createDirectories(dataDir.resolve("snapshots")).resolve(name), b.array());
    }

    private static void tag(ByteArrayOutputStream out, int field, int wire) {
        varint(out, (field << 3) | wire);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] value) {
        tag(out, field, 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    @Override
    public void close() throws IOException {
        flush();
        db.close();
    }
}
