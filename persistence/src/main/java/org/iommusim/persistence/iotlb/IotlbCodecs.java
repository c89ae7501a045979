package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.serialization.VocabularyCodecs.readCount;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.persistence.serialization.JournalCodecs;
import org.iommusim.persistence.serialization.VocabularyCodecs;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.DecodedCommand;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.translate.Perms;

/**
 * Binary forms of TLB events and snapshots, under manifests {@code I.F}
 * (filled), {@code I.I} (invalidated), {@code I.X} (flushed), {@code I.C}
 * (configured), {@code I.A} (acknowledgement marker) and {@code I.U} (snapshot of a TBU's TLB with its marker;
 * {@code I.T}, the snapshot before markers, and {@code I.S}, the IOTLB shard snapshot before TBUs, are still read). An entry is 25 bytes (23 for stage 2, which has no ASID); an
 * invalidation is the command's own 16-byte encoding plus its count.
 * Everything read back goes through the records' constructors, so a corrupt
 * record fails as an {@link IOException} instead of building a bad entry.
 */
public final class IotlbCodecs {
    private IotlbCodecs() {}

    public static final String FILLED_MANIFEST = "I.F";
    public static final String INVALIDATED_MANIFEST = "I.I";
    public static final String FLUSHED_MANIFEST = "I.X";
    public static final String CONFIGURED_MANIFEST = "I.C";
    public static final String ACKS_AHEAD_MANIFEST = "I.A";
    /** A TBU TLB's snapshot with its acknowledgement marker ({@link IotlbEvent.AcksAhead}). */
    public static final String MARKED_SNAPSHOT_MANIFEST = "I.U";
    /** A TBU TLB's snapshot before acknowledgement markers: read only (not marked ahead). */
    public static final String SNAPSHOT_MANIFEST = "I.T";
    /** An IOTLB shard's snapshot, before TBUs: read only. */
    public static final String SHARD_SNAPSHOT_MANIFEST = "I.S";

    // the byte after a fill's entry: bit 0 a victim follows; bit 1 guest-memory reads follow (a count, then each
    // read's level, IPA, PA and descriptor). Fills before guest memory hold 0 or 1 there: no reads
    private static final int FILL_VICTIM = 1, FILL_GUEST_READS = 2;

    public static final BinaryCodec<IotlbEvent.Filled> FILLED = new BinaryCodec<>() {
        @Override
        public void write(IotlbEvent.Filled v, DataOutput out) throws IOException {
            writeEntry(v.entry(), out);
            out.writeByte((v.victim() != null ? FILL_VICTIM : 0) | (v.guestReads().isEmpty() ? 0 : FILL_GUEST_READS));
            if (v.victim() != null) {
                writeEntry(v.victim(), out);
            }
            if (!v.guestReads().isEmpty()) {
                out.writeInt(v.guestReads().size());
                for (MemoryTableWalk.Read r : v.guestReads()) {
                    out.writeByte(r.level());
                    out.writeLong(r.ipa());
                    out.writeLong(r.pa());
                    out.writeLong(r.descriptor());
                }
            }
        }

        @Override
        public IotlbEvent.Filled read(DataInput in) throws IOException {
            IotlbEntry entry = readEntry(in);
            int flags = in.readUnsignedByte();
            if ((flags & ~(FILL_VICTIM | FILL_GUEST_READS)) != 0) {
                throw new IOException("fill flags 0x" + Integer.toHexString(flags) + " have unknown bits");
            }
            IotlbEntry victim = (flags & FILL_VICTIM) != 0 ? readEntry(in) : null;
            List<MemoryTableWalk.Read> reads = new ArrayList<>();
            if ((flags & FILL_GUEST_READS) != 0) {
                int n = readCount(in);
                for (int i = 0; i < n; i++) {
                    reads.add(new MemoryTableWalk.Read(in.readByte(), in.readLong(), in.readLong(), in.readLong()));
                }
            }
            return new IotlbEvent.Filled(entry, victim, reads);
        }
    };

    public static final BinaryCodec<IotlbEvent.Invalidated> INVALIDATED = new BinaryCodec<>() {
        @Override
        public void write(IotlbEvent.Invalidated v, DataOutput out) throws IOException {
            out.write(v.command().encode().toBytes());
            out.writeInt(v.removed());
        }

        @Override
        public IotlbEvent.Invalidated read(DataInput in) throws IOException {
            byte[] raw = new byte[RawCommand.BYTES];
            in.readFully(raw);
            DecodedCommand decoded = CommandCodec.decode(RawCommand.fromBytes(raw, 0));
            if (!(decoded instanceof TlbiCommand command)) {
                throw new IOException("corrupt invalidation: not a TLBI: " + decoded.toText());
            }
            int removed = in.readInt();
            if (removed < 0) {
                throw new IOException("corrupt invalidation: removed " + removed);
            }
            return new IotlbEvent.Invalidated(command, removed);
        }
    };

    public static final BinaryCodec<IotlbEvent.Flushed> FLUSHED = new BinaryCodec<>() {
        @Override
        public void write(IotlbEvent.Flushed v, DataOutput out) {}

        @Override
        public IotlbEvent.Flushed read(DataInput in) {
            return new IotlbEvent.Flushed();
        }
    };

    public static final BinaryCodec<IotlbEvent.AcksAhead> ACKS_AHEAD = VocabularyCodecs.flag("acknowledgement marker",
            IotlbEvent.AcksAhead::ahead, IotlbEvent.AcksAhead::new);

    /** The snapshot of a TBU's TLB: geometry and micro-TLB included. */
    public static final BinaryCodec<IotlbSnapshot> SNAPSHOT = new BinaryCodec<>() {
        @Override
        public void write(IotlbSnapshot v, DataOutput out) throws IOException {
            writeConfig(v.config(), out);
            out.writeLong(v.rngState());
            writeStats(v.stats(), out);
            VocabularyCodecs.writeList(v.entries(), IotlbCodecs::writeEntry, out);
        }

        @Override
        public IotlbSnapshot read(DataInput in) throws IOException {
            IotlbConfig config = readConfig(in);
            return snapshot(config, in);
        }
    };

    /** The snapshot of a TBU's TLB as {@link #SNAPSHOT} writes it, then its acknowledgement marker (one byte). */
    public static final BinaryCodec<IotlbSnapshot> MARKED_SNAPSHOT = VocabularyCodecs.thenFlag(SNAPSHOT,
            "snapshot's acknowledgement marker", IotlbSnapshot::acksAhead,
            (v, ahead) -> new IotlbSnapshot(v.config(), v.rngState(), v.entries(), v.stats(), ahead));

    /**
     * The snapshot of an IOTLB shard before TBUs (manifest {@code I.S}): a
     * fully associative shard without a micro-TLB. Read only, so that the
     * shards of an older journal can be flushed and inspected.
     */
    public static final BinaryCodec<IotlbSnapshot> SHARD_SNAPSHOT = new BinaryCodec<>() {
        @Override
        public void write(IotlbSnapshot v, DataOutput out) {
            throw new UnsupportedOperationException("IOTLB shard snapshots (" + SHARD_SNAPSHOT_MANIFEST + ") are read only");
        }

        @Override
        public IotlbSnapshot read(DataInput in) throws IOException {
            int capacity = in.readInt();
            IotlbPolicy policy = ordinal(IotlbPolicy.values(), in.readUnsignedByte(), "policy");
            long seed = in.readLong();
            IotlbConfig config;
            try {
                config = new IotlbConfig(capacity, policy, seed);
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt IOTLB snapshot: " + e.getMessage(), e);
            }
            return snapshot(config, in);
        }
    };

    public static final BinaryCodec<IotlbEvent.Configured> CONFIGURED = new BinaryCodec<>() {
        @Override
        public void write(IotlbEvent.Configured v, DataOutput out) throws IOException {
            writeConfig(v.config(), out);
        }

        @Override
        public IotlbEvent.Configured read(DataInput in) throws IOException {
            return new IotlbEvent.Configured(readConfig(in));
        }
    };

    private static IotlbSnapshot snapshot(IotlbConfig config, DataInput in) throws IOException {
        long rng = in.readLong();
        IotlbStats stats = readStats(in);
        List<IotlbEntry> entries = VocabularyCodecs.readList(in, IotlbCodecs::readEntry);
        try {
            return new IotlbSnapshot(config, rng, entries, stats);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt IOTLB snapshot: " + e.getMessage(), e);
        }
    }

    private static void writeConfig(IotlbConfig c, DataOutput out) throws IOException {
        out.writeInt(c.capacity());
        out.writeInt(c.ways());
        out.writeByte(c.policy().ordinal());
        out.writeLong(c.seed());
        out.writeInt(c.microEntries());
        out.writeByte(c.microPolicy().ordinal());
    }

    private static IotlbConfig readConfig(DataInput in) throws IOException {
        int capacity = in.readInt();
        int ways = in.readInt();
        IotlbPolicy policy = ordinal(IotlbPolicy.values(), in.readUnsignedByte(), "policy");
        long seed = in.readLong();
        int micro = in.readInt();
        IotlbPolicy microPolicy = ordinal(IotlbPolicy.values(), in.readUnsignedByte(), "micro-TLB policy");
        try {
            return new IotlbConfig(capacity, ways, policy, seed, micro, microPolicy);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt TLB configuration: " + e.getMessage(), e);
        }
    }

    /** Adds the IOTLB manifests to the journal registry. */
    public static void register(JournalCodecs codecs) {
        codecs.register(FILLED_MANIFEST, IotlbEvent.Filled.class, FILLED);
        codecs.register(INVALIDATED_MANIFEST, IotlbEvent.Invalidated.class, INVALIDATED);
        codecs.register(FLUSHED_MANIFEST, IotlbEvent.Flushed.class, FLUSHED);
        codecs.register(CONFIGURED_MANIFEST, IotlbEvent.Configured.class, CONFIGURED);
        codecs.register(ACKS_AHEAD_MANIFEST, IotlbEvent.AcksAhead.class, ACKS_AHEAD);
        // the older snapshots are registered first: the last registration is the one written
        codecs.register(SHARD_SNAPSHOT_MANIFEST, IotlbSnapshot.class, SHARD_SNAPSHOT);
        codecs.register(SNAPSHOT_MANIFEST, IotlbSnapshot.class, SNAPSHOT);
        codecs.register(MARKED_SNAPSHOT_MANIFEST, IotlbSnapshot.class, MARKED_SNAPSHOT);
    }

    public static void writeEntry(IotlbEntry e, DataOutput out) throws IOException {
        out.writeByte(e.kind().ordinal());
        out.writeByte(e.granule().ordinal());
        out.writeByte(e.level());
        out.writeByte(Long.numberOfTrailingZeros(e.size()));
        out.writeByte(permBits(e.perms()));
        out.writeShort(e.vmid());
        if (e.kind() != IotlbEntry.Kind.STAGE2) {
            out.writeShort(e.asid());
        }
        if (e.kind() == IotlbEntry.Kind.NESTED) {
            out.writeByte(permBits(e.stage1Perms()));
        }
        out.writeLong(e.va());
        out.writeLong(e.pa());
    }

    public static IotlbEntry readEntry(DataInput in) throws IOException {
        IotlbEntry.Kind kind = ordinal(IotlbEntry.Kind.values(), in.readUnsignedByte(), "entry kind");
        Granule granule = ordinal(Granule.values(), in.readUnsignedByte(), "granule");
        int level = in.readUnsignedByte();
        int shift = in.readUnsignedByte();
        int perms = in.readUnsignedByte();
        int vmid = in.readUnsignedShort();
        int asid = kind == IotlbEntry.Kind.STAGE2 ? IotlbEntry.NO_ASID : in.readUnsignedShort();
        int s1 = kind == IotlbEntry.Kind.NESTED ? in.readUnsignedByte() : 0;
        long va = in.readLong();
        long pa = in.readLong();
        if (shift > 62 || perms > 15 || s1 > 15) {
            throw new IOException("corrupt IOTLB entry: size shift " + shift + ", perms " + perms);
        }
        try {
            return new IotlbEntry(kind, vmid, asid, va, 1L << shift, granule, level, pa, perms(perms),
                    kind == IotlbEntry.Kind.NESTED ? perms(s1) : null);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt IOTLB entry: " + e.getMessage(), e);
        }
    }

    private static void writeStats(IotlbStats s, DataOutput out) throws IOException {
        out.writeLong(s.hits());
        out.writeLong(s.misses());
        out.writeLong(s.fills());
        out.writeLong(s.evictions());
        out.writeLong(s.flushes());
        out.writeLong(s.flushedEntries());
        out.writeLong(s.entriesRemoved());
        out.writeInt(s.invalidations().size());
        for (Map.Entry<CommandOpcode, Long> e : s.invalidations().entrySet()) {
            out.writeByte(e.getKey().code());
            out.writeLong(e.getValue());
        }
    }

    private static IotlbStats readStats(DataInput in) throws IOException {
        long hits = in.readLong();
        long misses = in.readLong();
        long fills = in.readLong();
        long evictions = in.readLong();
        long flushes = in.readLong();
        long flushedEntries = in.readLong();
        long removed = in.readLong();
        int n = readCount(in);
        Map<CommandOpcode, Long> byOpcode = new EnumMap<>(CommandOpcode.class);
        for (int i = 0; i < n; i++) {
            int code = in.readUnsignedByte();
            CommandOpcode op = CommandOpcode.fromCode(code)
                    .orElseThrow(() -> new IOException("corrupt IOTLB stats: opcode 0x" + Integer.toHexString(code)));
            byOpcode.put(op, in.readLong());
        }
        return new IotlbStats(hits, misses, fills, evictions, flushes, flushedEntries, byOpcode, removed);
    }

    private static int permBits(Perms p) {
        return p.bits();
    }

    private static Perms perms(int bits) {
        return Perms.ofBits(bits & 15);
    }

    private static <E> E ordinal(E[] values, int i, String what) throws IOException {
        if (i >= values.length) {
            throw new IOException("corrupt IOTLB record: " + what + " " + i);
        }
        return values[i];
    }
}
