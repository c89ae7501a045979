package org.iommusim.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.iommusim.persistence.serialization.ConfigCodecs;
import org.iommusim.persistence.serialization.VocabularyCodecs;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * The cluster's wire format for {@link PartitionCommand} and
 * {@link PartitionReply}: the journal's codecs for the model's vocabulary
 * (specs, segments, STE, CD, command entries), reply references as Pekko's
 * serialized actor paths. Java serialization stays off.
 */
public final class PartitionSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 0x1055_0C11;

    private final ActorRefResolver resolver;

    public PartitionSerializer(ExtendedActorSystem system) {
        this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof PartitionCommand.AllocateDomain) {
            return "A";
        } else if (o instanceof PartitionCommand.Map) {
            return "M";
        } else if (o instanceof PartitionCommand.Unmap) {
            return "U";
        } else if (o instanceof PartitionCommand.WriteSte) {
            return "S";
        } else if (o instanceof PartitionCommand.WriteCd) {
            return "C";
        } else if (o instanceof PartitionCommand.Submit) {
            return "Q";
        } else if (o instanceof PartitionCommand.Translate) {
            return "T";
        } else if (o instanceof PartitionCommand.Describe) {
            return "D";
        } else if (o instanceof PartitionReply.Done) {
            return "d";
        } else if (o instanceof PartitionReply.Refused) {
            return "r";
        }
        throw new IllegalArgumentException("not a partition message: " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (o instanceof PartitionCommand c) {
                out.writeUTF(resolver.toSerializationFormat(c.replyTo()));
            }
            if (o instanceof PartitionCommand.AllocateDomain m) {
                out.writeLong(m.domain());
                VocabularyCodecs.writeSpec(m.spec(), out);
            } else if (o instanceof PartitionCommand.Map m) {
                out.writeLong(m.domain());
                VocabularyCodecs.writeMapSegments(m.segments(), out);
            } else if (o instanceof PartitionCommand.Unmap m) {
                out.writeLong(m.domain());
                VocabularyCodecs.writeUnmapSegments(m.segments(), out);
            } else if (o instanceof PartitionCommand.WriteSte m) {
                out.writeInt(m.sid());
                ConfigCodecs.writeSte(m.ste(), out);
            } else if (o instanceof PartitionCommand.WriteCd m) {
                out.writeInt(m.sid());
                out.writeInt(m.ssid());
                ConfigCodecs.writeCd(m.cd(), out);
            } else if (o instanceof PartitionCommand.Submit m) {
                VocabularyCodecs.writeRaws(m.entries(), out);
            } else if (o instanceof PartitionCommand.Translate m) {
                writeRequest(m.request(), out);
            } else if (o instanceof PartitionCommand.Describe m) {
                out.writeInt(m.domains().size());
                for (long d : m.domains()) {
                    out.writeLong(d);
                }
            } else if (o instanceof PartitionReply.Done m) {
                out.writeLong(m.value());
                out.writeUTF(m.text());
            } else if (o instanceof PartitionReply.Refused m) {
                out.writeUTF(m.kind());
                out.writeUTF(m.reason());
            } else {
                throw new IllegalArgumentException("not a partition message: " + o.getClass().getName());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        try {
            DataInput in = new DataInputStream(new ByteArrayInputStream(bytes));
            return switch (manifest) {
                case "A" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    yield new PartitionCommand.AllocateDomain(in.readLong(), VocabularyCodecs.readSpec(in), r);
                }
                case "M" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    yield new PartitionCommand.Map(in.readLong(), VocabularyCodecs.readMapSegments(in), r);
                }
                case "U" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    yield new PartitionCommand.Unmap(in.readLong(), VocabularyCodecs.readUnmapSegments(in), r);
                }
                case "S" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    yield new PartitionCommand.WriteSte(in.readInt(), ConfigCodecs.readSte(in), r);
                }
                case "C" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    yield new PartitionCommand.WriteCd(in.readInt(), in.readInt(), ConfigCodecs.readCd(in), r);
                }
                case "Q" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    yield new PartitionCommand.Submit(VocabularyCodecs.readRaws(in), r);
                }
                case "T" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    yield new PartitionCommand.Translate(readRequest(in), r);
                }
                case "D" -> {
                    ActorRef<PartitionReply> r = ref(in);
                    int n = in.readInt();
                    List<Long> domains = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        domains.add(in.readLong());
                    }
                    yield new PartitionCommand.Describe(domains, r);
                }
                case "d" -> new PartitionReply.Done(in.readLong(), in.readUTF());
                case "r" -> new PartitionReply.Refused(in.readUTF(), in.readUTF());
                default -> throw new NotSerializableException("unknown partition manifest " + manifest);
            };
        } catch (IOException | RuntimeException e) {
            NotSerializableException n = new NotSerializableException(
                    "partition message " + manifest + " does not decode: " + e.getMessage());
            n.initCause(e);
            throw n;
        }
    }

    private ActorRef<PartitionReply> ref(DataInput in) throws IOException {
        return resolver.resolveActorRef(in.readUTF());
    }

    private static void writeRequest(TranslationRequest r, DataOutput out) throws IOException {
        out.writeInt(r.sid());
        out.writeBoolean(r.ssv());
        out.writeInt(r.ssid());
        out.writeLong(r.iova());
        out.writeByte(r.access().ordinal());
        out.writeBoolean(r.privileged());
    }

    private static TranslationRequest readRequest(DataInput in) throws IOException {
        return new TranslationRequest(in.readInt(), in.readBoolean(), in.readInt(), in.readLong(),
                Access.values()[in.readByte()], in.readBoolean());
    }
}
