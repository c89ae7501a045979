package org.iommusim.persistence.replay;

import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.iommusim.persistence.serialization.CausalStamp;
import org.iommusim.persistence.serialization.IommuSimSerializer;
import org.iommusim.persistence.serialization.Stamped;

/**
 * Unwraps what Pekko stores around our payloads, without an ActorSystem.
 *
 * <p>A journal value is a {@code PersistentRepr} serialized by Pekko's
 * {@code MessageSerializer} (serializer 7): the protobuf {@code PersistentMessage}
 * with the persistence id, sequence number, timestamp, writer UUID and a
 * {@code PersistentPayload} (serializer id, payload bytes, string manifest),
 * read by {@link StoredMessage}'s field scan rather than the generated
 * protobuf classes, which allocate a message tree per record.
 *
 * <p>A snapshot file is a {@code Snapshot} serialized by Pekko's
 * {@code SnapshotSerializer}: a little-endian int header length, the header
 * (little-endian int serializer id, then the manifest in UTF-8 up to the
 * header's end), then the payload bytes.
 *
 * <p>Payloads of {@link IommuSimSerializer} are decoded by their manifest, a
 * {@link Stamped} envelope unwrapped into the event and its stamp;
 * anything else becomes an {@link Undecoded}. Not thread-safe (it reuses
 * one {@link StoredMessage}): one decoder per thread.
 */
final class PayloadDecoder {
    private final IommuSimSerializer serializer = new IommuSimSerializer();

    private final StoredMessage message = new StoredMessage();

    JournalEvent event(byte[] value, String persistenceId, long sequenceNr) {
        StoredMessage m = message.scan(value, persistenceId, sequenceNr);
        String manifest = m.manifest();
        Object payload = payload(m.serializerId(), manifest, m.payload());
        CausalStamp stamp = null;
        if (payload instanceof Stamped s) {
            stamp = s.stamp();
            payload = s.event();
            manifest = manifest.substring(Stamped.PREFIX.length());
        }
        return new JournalEvent(persistenceId, sequenceNr, manifest, payload, m.timestamp(), m.writerUuid(), stamp);
    }

    /**
     * Only the decoded payload of a journal value: what state replay needs,
     * without the record's timestamp, writer or a {@link JournalEvent}.
     */
    Object payloadOnly(byte[] value, String persistenceId, long sequenceNr) {
        StoredMessage m = message.scan(value, persistenceId, sequenceNr);
        Object payload = payload(m.serializerId(), m.manifest(), m.payload());
        return payload instanceof Stamped s ? s.event() : payload;
    }

    /** The snapshot's payload: our state object, or an {@link Undecoded}. */
    Object snapshot(byte[] file, String what) {
        if (file.length < 8) {
            throw new JournalReadException("corrupt snapshot " + what + ": " + file.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = b.getInt();
        if (headerLength < 4 || headerLength > file.length - 4) {
            throw new JournalReadException("corrupt snapshot " + what + ": header length " + headerLength);
        }
        int serializerId = b.getInt();
        String manifest = new String(file, 8, headerLength - 4, StandardCharsets.UTF_8);
        byte[] payload = new byte[file.length - 4 - headerLength];
        System.arraycopy(file, 4 + headerLength, payload, 0, payload.length);
        return payload(serializerId, manifest, payload);
    }

    private Object payload(int serializerId, String manifest, byte[] bytes) {
        if (serializerId != IommuSimSerializer.IDENTIFIER) {
            return new Undecoded(serializerId, manifest, bytes.length,
                    "serializer " + serializerId + " is not iommu-sim's (" + IommuSimSerializer.IDENTIFIER + ")");
        }
        try {
            return serializer.fromBinary(bytes, manifest);
        } catch (NotSerializableException e) {
            return new Undecoded(serializerId, manifest, bytes.length, e.getMessage());
        }
    }
}
