package org.iommusim.persistence.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.persistence.serialization.MessageFormats;
import org.apache.pekko.protobufv3.internal.ByteString;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.persistence.serialization.IommuSimSerializer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;

/**
 * Writes a LevelDB journal record by record in the layout Pekko's LevelDB
 * journal uses (checked against a journal the real actors wrote), so reader
 * tests can hold cases a domain actor never produces: tag pseudo-ids,
 * Akka 2.3 deletion marks, foreign serializers.
 */
final class HandWrittenJournal implements AutoCloseable {
    private static final IommuSimSerializer SERIALIZER = new IommuSimSerializer();
    private final DB db;

    HandWrittenJournal(Path dataDir) throws IOException {
        this.db = JniDBFactory.factory.open(Files.createDirectories(dataDir.resolve("journal")).toFile(),
                new Options().createIfMissing(true));
    }

    HandWrittenJournal mapping(int nid, String persistenceId) {
        db.put(JournalKey.mapping(nid).encode(), persistenceId.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    HandWrittenJournal counter(int nid, long highest) {
        db.put(JournalKey.counter(nid).encode(), ByteBuffer.allocate(8).putLong(highest).array());
        return this;
    }

    HandWrittenJournal event(int nid, String persistenceId, long seq, Object payload) {
        return raw(nid, persistenceId, seq, IommuSimSerializer.IDENTIFIER, SERIALIZER.manifest(payload),
                SERIALIZER.toBinary(payload));
    }

    HandWrittenJournal raw(int nid, String persistenceId, long seq, int serializerId, String manifest, byte[] payload) {
        byte[] value = MessageFormats.PersistentMessage.newBuilder()
                .setPayload(MessageFormats.PersistentPayload.newBuilder().setSerializerId(serializerId)
                        .setPayload(ByteString.copyFrom(payload)).setPayloadManifest(ByteString.copyFromUtf8(manifest)))
                .setSequenceNr(seq).setPersistenceId(persistenceId).setTimestamp(1_700_000_000_000L + seq)
                .setWriterUuid("writer").build().toByteArray();
        db.put(JournalKey.event(nid, seq).encode(), value);
        return this;
    }

    HandWrittenJournal deletionMark(int nid, long seq) {
        db.put(new JournalKey(nid, seq, 1).encode(), new byte[0]);
        return this;
    }

    /** A snapshot file as Pekko's local store writes it: LE header length, LE serializer id, manifest, payload. */
    static void snapshot(Path dataDir, String fileName, Object state) throws IOException {
        byte[] manifest = SERIALIZER.manifest(state).getBytes(StandardCharsets.UTF_8);
        byte[] payload = SERIALIZER.toBinary(state);
        ByteBuffer b = ByteBuffer.allocate(8 + manifest.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4 + manifest.length).putInt(IommuSimSerializer.IDENTIFIER).put(manifest).put(payload);
        Files.write(Files.createDirectories(dataDir.resolve("snapshots")).resolve(fileName), b.array());
    }

    @Override
    public void close() throws IOException {
        db.close();
    }
}
