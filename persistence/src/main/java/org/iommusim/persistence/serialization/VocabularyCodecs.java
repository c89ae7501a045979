package org.iommusim.persistence.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapSegment;

/** Binary forms of the protocol vocabulary that events embed. */
public final class VocabularyCodecs {
    private VocabularyCodecs() {}

    public static void writeSpec(DomainSpec s, DataOutput out) throws IOException {
        out.writeByte(s.stage().ordinal());
        out.writeByte(s.granule().ordinal());
        out.writeByte(s.ias());
        out.writeByte(s.oas());
        out.writeInt(s.asid());
        out.writeInt(s.vmid());
        out.writeLong(s.parent() == null ? -1 : s.parent().value());
    }

    public static DomainSpec readSpec(DataInput in) throws IOException {
        DomainStage stage = DomainStage.values()[in.readUnsignedByte()];
        Granule granule = Granule.values()[in.readUnsignedByte()];
        int ias = in.readUnsignedByte();
        int oas = in.readUnsignedByte();
        int asid = in.readInt();
        int vmid = in.readInt();
        long parent = in.readLong();
        return new DomainSpec(stage, granule, ias, oas, asid, vmid, parent < 0 ? null : DomainId.of(parent));
    }

    public static void writeMapSegments(List<MapSegment> segments, DataOutput out) throws IOException {
        out.writeInt(segments.size());
        for (MapSegment m : segments) {
            out.writeLong(m.iova());
            out.writeLong(m.pa());
            out.writeLong(m.size());
            out.writeByte(m.prot().bits());
        }
    }

    public static List<MapSegment> readMapSegments(DataInput in) throws IOException {
        int n = readCount(in);
        List<MapSegment> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new MapSegment(in.readLong(), in.readLong(), in.readLong(), Prot.of(in.readUnsignedByte())));
        }
        return out;
    }

    public static void writeUnmapSegments(List<UnmapSegment> segments, DataOutput out) throws IOException {
        out.writeInt(segments.size());
        for (UnmapSegment u : segments) {
            out.writeLong(u.iova());
            out.writeLong(u.size());
        }
    }

    public static List<UnmapSegment> readUnmapSegments(DataInput in) throws IOException {
        int n = readCount(in);
        List<UnmapSegment> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new UnmapSegment(in.readLong(), in.readLong()));
        }
        return out;
    }

    /** A length prefix, refused when negative so a corrupt record fails cleanly instead of allocating wildly. */
    /** A record of one flag ({@code get}, rebuilt by {@code make}), written as one byte. */
    public static <T> BinaryCodec<T> flag(String what, java.util.function.Predicate<T> get,
            java.util.function.Function<Boolean, T> make) {
        return new BinaryCodec<>() {
            @Override
            public void write(T v, DataOutput out) throws IOException {
                out.writeByte(get.test(v) ? 1 : 0);
            }

            @Override
            public T read(DataInput in) throws IOException {
                return make.apply(readFlag(in, what));
            }
        };
    }

    /** {@code base}'s layout, then one flag byte ({@code get}; {@code with} puts it back on what base read). */
    public static <T> BinaryCodec<T> thenFlag(BinaryCodec<T> base, String what, java.util.function.Predicate<T> get,
            java.util.function.BiFunction<T, Boolean, T> with) {
        return new BinaryCodec<>() {
            @Override
            public void write(T v, DataOutput out) throws IOException {
                base.write(v, out);
                out.writeByte(get.test(v) ? 1 : 0);
            }

            @Override
            public T read(DataInput in) throws IOException {
                T v = base.read(in);
                return with.apply(v, readFlag(in, what));
            }
        };
    }

    /** A flag written as one byte, 0 or 1; any other byte is corrupt {@code what}. */
    private static boolean readFlag(DataInput in, String what) throws IOException {
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new IOException("corrupt " + what + ": " + b);
        }
        return b == 1;
    }

    public static int readCount(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 28)) {
            throw new IOException("corrupt record: element count " + n);
        }
        return n;
    }

    public static void writeRaw(org.iommusim.protocol.command.RawCommand r, DataOutput out) throws IOException {
        out.writeLong(r.dw0());
        out.writeLong(r.dw1());
    }

    public static org.iommusim.protocol.command.RawCommand readRaw(DataInput in) throws IOException {
        return new org.iommusim.protocol.command.RawCommand(in.readLong(), in.readLong());
    }

    /**
     * A count-prefixed list. Map and unmap segments keep their own loops: they
     * are most of what replay decodes, and a call through a shared element
     * reader there would be one of many lambdas at a single call site.
     */
    public static <T> void writeList(List<T> items, BinaryCodec.Writer<T> element, DataOutput out)
            throws IOException {
        out.writeInt(items.size());
        for (T item : items) {
            element.write(item, out);
        }
    }

    public static <T> List<T> readList(DataInput in, BinaryCodec.Reader<T> element) throws IOException {
        int n = readCount(in);
        // a corrupt count must fail at the first missing element, not by allocating for it
        List<T> out = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
            out.add(element.read(in));
        }
        return out;
    }

    public static void writeRaws(List<org.iommusim.protocol.command.RawCommand> raws, DataOutput out)
            throws IOException {
        writeList(raws, VocabularyCodecs::writeRaw, out);
    }

    public static List<org.iommusim.protocol.command.RawCommand> readRaws(DataInput in) throws IOException {
        return readList(in, VocabularyCodecs::readRaw);
    }

    /** A fault record as its 32-byte event-queue encoding. */
    public static void writeEvent(org.iommusim.protocol.event.SmmuEvent e, DataOutput out) throws IOException {
        org.iommusim.protocol.event.RawEvent r = e.encode();
        out.writeLong(r.dw0());
        out.writeLong(r.dw1());
        out.writeLong(r.dw2());
        out.writeLong(r.dw3());
    }

    public static org.iommusim.protocol.event.SmmuEvent readEvent(DataInput in) throws IOException {
        org.iommusim.protocol.event.RawEvent r = new org.iommusim.protocol.event.RawEvent(in.readLong(),
                in.readLong(), in.readLong(), in.readLong());
        org.iommusim.protocol.event.EventDecode d = org.iommusim.protocol.event.EventCodec.decode(r);
        if (d instanceof org.iommusim.protocol.event.SmmuEvent e) {
            return e;
        }
        throw new IOException("corrupt fault record: " + d.toText());
    }

    public static void writeEvents(List<org.iommusim.protocol.event.SmmuEvent> events, DataOutput out)
            throws IOException {
        writeList(events, VocabularyCodecs::writeEvent, out);
    }

    public static List<org.iommusim.protocol.event.SmmuEvent> readEvents(DataInput in) throws IOException {
        return readList(in, VocabularyCodecs::readEvent);
    }
}
