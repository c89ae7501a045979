package org.iommusim.actors.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.protobufv3.internal.CodedOutputStream;
import org.apache.pekko.protobufv3.internal.WireFormat;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.iommusim.persistence.serialization.IommuSimSerializer;

/**
 * A journal record ({@code PersistentMessage} of Pekko's
 * {@code MessageFormats.proto}) written straight to its bytes: the same
 * fields in the same (field-number) order as Pekko's
 * {@code MessageSerializer} and its generated builders write them, so the
 * same bytes (the test holds the two side by side), without a builder, a
 * {@code ByteString} and a manifest copy per event, which were about half of
 * the journal's serialization time.
 *
 * <p>Only records Pekko would write plainly: the event serialized by
 * {@link IommuSimSerializer} (which needs no transport information), no
 * sender and no metadata; for any other, {@link #encode} answers null and the
 * caller uses Pekko's serializer.
 */
final class PersistentRecordEncoder {
    private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final ExtendedActorSystem system;
    /** Looked up at the first record: a serializer's constructor must not touch the extension it belongs to. */
    private Serialization serialization;
    /** The UTF-8 bytes of each event manifest seen (a handful of short strings). */
    private final ConcurrentHashMap<String, byte[]> manifests = new ConcurrentHashMap<>();

    PersistentRecordEncoder(ExtendedActorSystem system) {
        this.system = system;
    }

    /** The record's bytes, or null if Pekko's serializer must write it. */
    byte[] encode(PersistentRepr p) {
        return encode(p, p.writerUuid(), p.timestamp());
    }

    /**
     * The bytes of {@code p} with its writer id and timestamp replaced by
     * these (no copy of the record made to carry them), or null if Pekko's
     * serializer must write it.
     */
    byte[] encode(PersistentRepr p, String writer, long timestamp) {
        Object payload = p.payload();
        if (p.sender() != ActorRef.noSender() || p.metadata().isDefined() || p.deleted() || payload == null) {
            return null;
        }
        if (serialization == null) {
            serialization = SerializationExtension.get(system);
        }
        Serializer s = serialization.findSerializerFor(payload);
        if (!(s instanceof IommuSimSerializer model)) {
            return null;
        }
        byte[] body = model.toBinary(payload);
        String manifest = model.manifest(payload);
        byte[] manifestBytes = manifest.isEmpty() ? null
                : manifests.computeIfAbsent(manifest, m -> m.getBytes(StandardCharsets.UTF_8));
        int id = model.identifier();

        int payloadSize = CodedOutputStream.computeInt32Size(1, id) + CodedOutputStream.computeByteArraySize(2, body)
                + (manifestBytes == null ? 0 : CodedOutputStream.computeByteArraySize(3, manifestBytes));
        String pid = p.persistenceId();
        String eventManifest = p.manifest();
        int size = CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(payloadSize)
                + payloadSize + CodedOutputStream.computeInt64Size(2, p.sequenceNr())
                + (pid.equals(PersistentRepr.Undefined()) ? 0 : CodedOutputStream.computeStringSize(3, pid))
                + (eventManifest.equals(PersistentRepr.Undefined()) ? 0
                        : CodedOutputStream.computeStringSize(12, eventManifest))
                + (writer.equals(PersistentRepr.Undefined()) ? 0 : CodedOutputStream.computeStringSize(13, writer))
                + (timestamp > 0 ? CodedOutputStream.computeSInt64Size(14, timestamp) : 0);

        byte[] out = new byte[size];
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        try {
            c.writeTag(1, LENGTH_DELIMITED);
            c.writeUInt32NoTag(payloadSize);
            c.writeInt32(1, id);
            c.writeByteArray(2, body);
            if (manifestBytes != null) {
                c.writeByteArray(3, manifestBytes);
            }
            c.writeInt64(2, p.sequenceNr());
            if (!pid.equals(PersistentRepr.Undefined())) {
                c.writeString(3, pid);
            }
            if (!eventManifest.equals(PersistentRepr.Undefined())) {
                c.writeString(12, eventManifest);
            }
            if (!writer.equals(PersistentRepr.Undefined())) {
                c.writeString(13, writer);
            }
            if (timestamp > 0) {
                c.writeSInt64(14, timestamp);
            }
            c.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the journal record of " + pid, e);
        }
        return out;
    }
}
