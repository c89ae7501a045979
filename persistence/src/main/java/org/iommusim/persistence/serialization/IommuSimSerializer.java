package org.iommusim.persistence.serialization;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The one serializer for journal events and snapshots: a short string
 * manifest names the type, the payload is the type's {@link BinaryCodec}.
 * Compact by design: hot events are a few bytes plus their addresses.
 * Snapshots end with a checksum ({@link SnapshotChecksum}); events do not
 * (LevelDB checks the blocks that hold them). A {@link Stamped} event is
 * its {@link CausalStamp} followed by the event's bytes, under the event's
 * manifest prefixed with {@value Stamped#PREFIX}.
 */
public final class IommuSimSerializer extends SerializerWithStringManifest {
    /** Pekko serializer ids below 40 are reserved; this one is ours. */
    public static final int IDENTIFIER = 7_310_001;

    private final JournalCodecs codecs = JournalCodecs.INSTANCE;

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return o instanceof Stamped s ? codecs.stampedManifestOf(s.event()) : codecs.manifestOf(o);
    }

    @Override
    public byte[] toBinary(Object o) {
        ByteSink out = new ByteSink(64);
        try {
            if (o instanceof Stamped s) {
                s.stamp().write(out);
                codecs.write(s.event(), out);
                return out.toByteArray();
            }
            codecs.write(o, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + o.getClass().getName(), e);
        }
        String manifest = codecs.manifestOf(o);
        return SnapshotChecksum.applies(manifest) ? SnapshotChecksum.seal(manifest, out.toByteArray())
                : out.toByteArray();
    }

    @Override
    public Object fromBinary(byte[] stored, String manifest) throws NotSerializableException {
        byte[] bytes = SnapshotChecksum.applies(manifest) ? SnapshotChecksum.open(manifest, stored) : stored;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Object value = Stamped.isStamped(manifest)
                    ? new Stamped(CausalStamp.read(in), codecs.read(manifest.substring(Stamped.PREFIX.length()), in))
                    : codecs.read(manifest, in);
            if (in.available() > 0) {
                throw new NotSerializableException("corrupt " + manifest + " record: " + in.available()
                        + " trailing bytes");
            }
            return value;
        } catch (NotSerializableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            NotSerializableException n = new NotSerializableException("cannot read " + manifest + " record: " + e);
            n.initCause(e);
            throw n;
        }
    }
}
