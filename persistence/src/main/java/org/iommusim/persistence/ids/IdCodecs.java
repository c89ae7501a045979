package org.iommusim.persistence.ids;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.persistence.serialization.JournalCodecs;
import org.iommusim.persistence.serialization.VocabularyCodecs;

/** Binary forms of allocator events (a kind byte and the id: 5 bytes) and snapshots (the ids, listed). */
public final class IdCodecs {
    private IdCodecs() {}

    public static void register(JournalCodecs codecs) {
        codecs.register("A.A", IdEvent.IdAllocated.class, BinaryCodec.<IdEvent.IdAllocated>of(
                IdCodecs::writeEvent, in -> new IdEvent.IdAllocated(readKind(in), in.readInt())));
        codecs.register("A.R", IdEvent.IdReleased.class, BinaryCodec.<IdEvent.IdReleased>of(
                IdCodecs::writeEvent, in -> new IdEvent.IdReleased(readKind(in), in.readInt())));
        codecs.register("A.F", IdEvent.IdFlushed.class, BinaryCodec.<IdEvent.IdFlushed>of(
                IdCodecs::writeEvent, in -> new IdEvent.IdFlushed(readKind(in), in.readInt())));
        codecs.register("A.snap", IdState.class, BinaryCodec.<IdState>of(
                (v, out) -> {
                    writePool(v.vmids(), out);
                    writePool(v.asids(), out);
                },
                in -> new IdState(readPool(in), readPool(in))));
    }

    private static void writeEvent(IdEvent e, DataOutput out) throws IOException {
        out.writeByte(e.kind().ordinal());
        out.writeInt(e.id());
    }

    private static IdKind readKind(DataInput in) throws IOException {
        int k = in.readUnsignedByte();
        if (k >= IdKind.values().length) {
            throw new IOException("corrupt id event: kind " + k);
        }
        return IdKind.values()[k];
    }

    private static void writePool(IdPool p, DataOutput out) throws IOException {
        VocabularyCodecs.writeList(p.inUseIds(), (id, o) -> o.writeInt(id), out);
        VocabularyCodecs.writeList(p.awaitingFlushIds(), (id, o) -> o.writeInt(id), out);
    }

    private static IdPool readPool(DataInput in) throws IOException {
        var inUse = VocabularyCodecs.readList(in, DataInput::readInt);
        var waiting = VocabularyCodecs.readList(in, DataInput::readInt);
        try {
            return IdPool.of(inUse, waiting);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt id snapshot: " + e.getMessage(), e);
        }
    }
}
