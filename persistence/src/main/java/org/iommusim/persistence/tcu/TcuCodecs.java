package org.iommusim.persistence.tcu;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.persistence.serialization.ConfigCodecs;
import org.iommusim.persistence.serialization.JournalCodecs;
import org.iommusim.persistence.serialization.VocabularyCodecs;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.DecodedCommand;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * Binary forms of the TCU's log ({@code smmu-<n>/tcu}) under manifests
 * {@code W.C} (configured: the caches' shapes, as the capability codec writes
 * them), {@code W.W} (walk-cache fill), {@code W.P} (IPA-cache fill),
 * {@code W.I} (invalidated: the command's 16-byte encoding and its count) and
 * {@code W.snap} (snapshot), and for a bounded configuration cache {@code W.F}
 * (configuration-cache fill: slot, StreamID, SubstreamID or -1, the STE or CD)
 * and {@code W.G} (CFGI applied to it: the command's 16 bytes and its count). Everything read back goes through the records'
 * constructors, so a corrupt record fails as an {@link IOException}.
 */
public final class TcuCodecs {
    private TcuCodecs() {}

    public static final String CONFIGURED_MANIFEST = "W.C";
    public static final String WALK_FILLED_MANIFEST = "W.W";
    public static final String IPA_FILLED_MANIFEST = "W.P";
    public static final String INVALIDATED_MANIFEST = "W.I";
    /** The caches' snapshot before acknowledgement markers: read only (not marked ahead). */
    public static final String SNAPSHOT_MANIFEST = "W.snap";
    /** The caches' snapshot with their acknowledgement marker ({@link TcuEvent.AcksAhead}). */
    public static final String MARKED_SNAPSHOT_MANIFEST = "W.snap2";
    public static final String ACKS_AHEAD_MANIFEST = "W.A";
    public static final String CONFIG_FILLED_MANIFEST = "W.F";
    public static final String CONFIG_INVALIDATED_MANIFEST = "W.G";
    public static final String GUEST_CD_READ_MANIFEST = "W.R";

    public static final BinaryCodec<TcuEvent.GuestCdRead> GUEST_CD_READ = new BinaryCodec<>() {
        @Override
        public void write(TcuEvent.GuestCdRead v, DataOutput out) throws IOException {
            out.writeInt(v.sid());
            out.writeInt(v.ssid());
            out.writeLong(v.cd().ipa());
            out.writeLong(v.cd().pa());
            for (long w : v.cd().words()) {
                out.writeLong(w);
            }
        }

        @Override
        public TcuEvent.GuestCdRead read(DataInput in) throws IOException {
            int sid = in.readInt();
            int ssid = in.readInt();
            long ipa = in.readLong();
            long pa = in.readLong();
            java.util.List<Long> words = new java.util.ArrayList<>(org.iommusim.persistence.config.GuestCd.WORDS);
            for (int i = 0; i < org.iommusim.persistence.config.GuestCd.WORDS; i++) {
                words.add(in.readLong());
            }
            return checked(() -> new TcuEvent.GuestCdRead(sid, ssid,
                    new org.iommusim.persistence.config.GuestCd(ipa, pa, words)));
        }
    };

    public static final BinaryCodec<TcuEvent.ConfigFilled> CONFIG_FILLED = new BinaryCodec<>() {
        @Override
        public void write(TcuEvent.ConfigFilled v, DataOutput out) throws IOException {
            writeConfig(v, out);
        }

        @Override
        public TcuEvent.ConfigFilled read(DataInput in) throws IOException {
            return readConfig(in);
        }
    };

    public static final BinaryCodec<TcuEvent.ConfigInvalidated> CONFIG_INVALIDATED = new BinaryCodec<>() {
        @Override
        public void write(TcuEvent.ConfigInvalidated v, DataOutput out) throws IOException {
            out.write(v.command().encode().toBytes());
            out.writeInt(v.removed());
        }

        @Override
        public TcuEvent.ConfigInvalidated read(DataInput in) throws IOException {
            byte[] raw = new byte[RawCommand.BYTES];
            in.readFully(raw);
            DecodedCommand decoded = CommandCodec.decode(RawCommand.fromBytes(raw, 0));
            if (!(decoded instanceof org.iommusim.protocol.command.Command command)
                    || !ConfigInvalidation.applies(command)) {
                throw new IOException("corrupt configuration-cache invalidation: not a CFGI: " + decoded.toText());
            }
            return checked(() -> new TcuEvent.ConfigInvalidated(command, in.readInt()));
        }
    };

    public static final BinaryCodec<TcuEvent.Configured> CONFIGURED = new BinaryCodec<>() {
        @Override
        public void write(TcuEvent.Configured v, DataOutput out) throws IOException {
            ConfigCodecs.writeTcu(v.shape(), out);
        }

        @Override
        public TcuEvent.Configured read(DataInput in) throws IOException {
            return new TcuEvent.Configured(ConfigCodecs.readTcu(in));
        }
    };

    public static final BinaryCodec<TcuEvent.WalkFilled> WALK_FILLED = new BinaryCodec<>() {
        @Override
        public void write(TcuEvent.WalkFilled v, DataOutput out) throws IOException {
            writeWalk(v, out);
        }

        @Override
        public TcuEvent.WalkFilled read(DataInput in) throws IOException {
            return readWalk(in);
        }
    };

    public static final BinaryCodec<TcuEvent.IpaFilled> IPA_FILLED = new BinaryCodec<>() {
        @Override
        public void write(TcuEvent.IpaFilled v, DataOutput out) throws IOException {
            writeIpa(v, out);
        }

        @Override
        public TcuEvent.IpaFilled read(DataInput in) throws IOException {
            return readIpa(in);
        }
    };

    public static final BinaryCodec<TcuEvent.Invalidated> INVALIDATED = new BinaryCodec<>() {
        @Override
        public void write(TcuEvent.Invalidated v, DataOutput out) throws IOException {
            out.write(v.command().encode().toBytes());
            out.writeInt(v.removed());
        }

        @Override
        public TcuEvent.Invalidated read(DataInput in) throws IOException {
            byte[] raw = new byte[RawCommand.BYTES];
            in.readFully(raw);
            DecodedCommand decoded = CommandCodec.decode(RawCommand.fromBytes(raw, 0));
            if (!(decoded instanceof TlbiCommand command)) {
                throw new IOException("corrupt TCU invalidation: not a TLBI: " + decoded.toText());
            }
            return checked(() -> new TcuEvent.Invalidated(command, in.readInt()));
        }
    };

    public static final BinaryCodec<TcuSnapshot> SNAPSHOT = new BinaryCodec<>() {
        @Override
        public void write(TcuSnapshot v, DataOutput out) throws IOException {
            ConfigCodecs.writeTcu(v.shape(), out);
            VocabularyCodecs.writeList(v.fills(), (e, o) -> {
                if (e instanceof TcuEvent.WalkFilled w) {
                    o.writeByte(0);
                    writeWalk(w, o);
                } else if (e instanceof TcuEvent.ConfigFilled c) {
                    o.writeByte(2);
                    writeConfig(c, o);
                } else {
                    o.writeByte(1);
                    writeIpa((TcuEvent.IpaFilled) e, o);
                }
            }, out);
            VocabularyCodecs.writeList(v.stats(), TcuCodecs::writeStats, out);
        }

        @Override
        public TcuSnapshot read(DataInput in) throws IOException {
            var shape = ConfigCodecs.readTcu(in);
            List<TcuEvent> fills = VocabularyCodecs.readList(in, i -> {
                int kind = i.readUnsignedByte();
                if (kind > 2) {
                    throw new IOException("corrupt TCU snapshot: fill kind " + kind);
                }
                return kind == 0 ? readWalk(i) : kind == 1 ? readIpa(i) : readConfig(i);
            });
            List<CacheStats> stats = VocabularyCodecs.readList(in, TcuCodecs::readStats);
            return checked(() -> new TcuSnapshot(shape, fills, stats));
        }
    };

    public static final BinaryCodec<TcuEvent.AcksAhead> ACKS_AHEAD = VocabularyCodecs.flag(
            "TCU acknowledgement marker", TcuEvent.AcksAhead::ahead, TcuEvent.AcksAhead::new);

    /** The caches' snapshot as {@link #SNAPSHOT} writes it, then the acknowledgement marker (one byte). */
    public static final BinaryCodec<TcuSnapshot> MARKED_SNAPSHOT = VocabularyCodecs.thenFlag(SNAPSHOT,
            "TCU snapshot's acknowledgement marker", TcuSnapshot::acksAhead,
            (v, ahead) -> new TcuSnapshot(v.shape(), v.fills(), v.stats(), ahead));

    /** Adds the TCU manifests to the journal registry. */
    public static void register(JournalCodecs codecs) {
        codecs.register(CONFIGURED_MANIFEST, TcuEvent.Configured.class, CONFIGURED);
        codecs.register(WALK_FILLED_MANIFEST, TcuEvent.WalkFilled.class, WALK_FILLED);
        codecs.register(IPA_FILLED_MANIFEST, TcuEvent.IpaFilled.class, IPA_FILLED);
        codecs.register(INVALIDATED_MANIFEST, TcuEvent.Invalidated.class, INVALIDATED);
        // the older snapshot first: the last registration is the one written
        codecs.register(SNAPSHOT_MANIFEST, TcuSnapshot.class, SNAPSHOT);
        codecs.register(MARKED_SNAPSHOT_MANIFEST, TcuSnapshot.class, MARKED_SNAPSHOT);
        codecs.register(ACKS_AHEAD_MANIFEST, TcuEvent.AcksAhead.class, ACKS_AHEAD);
        codecs.register(CONFIG_FILLED_MANIFEST, TcuEvent.ConfigFilled.class, CONFIG_FILLED);
        codecs.register(CONFIG_INVALIDATED_MANIFEST, TcuEvent.ConfigInvalidated.class, CONFIG_INVALIDATED);
        codecs.register(GUEST_CD_READ_MANIFEST, TcuEvent.GuestCdRead.class, GUEST_CD_READ);
    }

    private static void writeWalk(TcuEvent.WalkFilled v, DataOutput out) throws IOException {
        WalkEntry e = v.entry();
        out.writeByte(v.stage());
        out.writeByte(v.level());
        out.writeInt(v.slot());
        out.writeShort(e.vmid());
        out.writeInt(e.asid());
        out.writeLong(e.prefix());
        out.writeByte(e.shift());
        out.writeBoolean(e.leaf());
        out.writeLong(e.value());
    }

    private static TcuEvent.WalkFilled readWalk(DataInput in) throws IOException {
        int stage = in.readUnsignedByte();
        int level = in.readUnsignedByte();
        int slot = in.readInt();
        int vmid = in.readUnsignedShort();
        int asid = in.readInt();
        long prefix = in.readLong();
        int shift = in.readUnsignedByte();
        boolean leaf = in.readBoolean();
        long value = in.readLong();
        if (shift > 63) {
            throw new IOException("corrupt walk-cache fill: shift " + shift);
        }
        return checked(() -> new TcuEvent.WalkFilled(stage, level, slot,
                new WalkEntry(vmid, asid, prefix, shift, leaf, value)));
    }

    private static void writeConfig(TcuEvent.ConfigFilled v, DataOutput out) throws IOException {
        ConfigEntry e = v.entry();
        out.writeInt(v.slot());
        out.writeInt(e.sid());
        if (e.guestCd() != null) {
            // a CD fetched from guest memory: bit 30 of the SubstreamID word (an SSID has 20 bits; older
            // journals never set it), then where it was read and the 64 bytes read
            out.writeInt(e.ssid() | GUEST_CD);
            out.writeLong(e.guestCd().ipa());
            out.writeLong(e.guestCd().pa());
            for (long w : e.guestCd().words()) {
                out.writeLong(w);
            }
            return;
        }
        out.writeInt(e.ssid());
        if (e.isSte()) {
            ConfigCodecs.writeSte(e.ste(), out);
        } else {
            ConfigCodecs.writeCd(e.cd(), out);
        }
    }

    private static final int GUEST_CD = 1 << 30;

    private static TcuEvent.ConfigFilled readConfig(DataInput in) throws IOException {
        int slot = in.readInt();
        int sid = in.readInt();
        int ssid = in.readInt();
        if (ssid != ConfigEntry.STE && (ssid & GUEST_CD) != 0) {
            int index = ssid & ~GUEST_CD;
            long ipa = in.readLong();
            long pa = in.readLong();
            java.util.List<Long> words = new java.util.ArrayList<>(org.iommusim.persistence.config.GuestCd.WORDS);
            for (int i = 0; i < org.iommusim.persistence.config.GuestCd.WORDS; i++) {
                words.add(in.readLong());
            }
            return checked(() -> new TcuEvent.ConfigFilled(slot, ConfigEntry.ofGuestCd(sid, index,
                    new org.iommusim.persistence.config.GuestCd(ipa, pa, words))));
        }
        if (ssid == ConfigEntry.STE) {
            var ste = ConfigCodecs.readSte(in);
            return checked(() -> new TcuEvent.ConfigFilled(slot, ConfigEntry.ofSte(sid, ste)));
        }
        var cd = ConfigCodecs.readCd(in);
        return checked(() -> new TcuEvent.ConfigFilled(slot, ConfigEntry.ofCd(sid, ssid, cd)));
    }

    private static void writeIpa(TcuEvent.IpaFilled v, DataOutput out) throws IOException {
        IpaEntry e = v.entry();
        out.writeInt(v.slot());
        out.writeShort(e.vmid());
        out.writeLong(e.page());
        out.writeByte(e.level());
        out.writeLong(e.descriptor());
        out.writeLong(e.leafSize());
    }

    private static TcuEvent.IpaFilled readIpa(DataInput in) throws IOException {
        int slot = in.readInt();
        int vmid = in.readUnsignedShort();
        long page = in.readLong();
        int level = in.readUnsignedByte();
        long descriptor = in.readLong();
        long size = in.readLong();
        return checked(() -> new TcuEvent.IpaFilled(slot, new IpaEntry(vmid, page, level, descriptor, size)));
    }

    private static void writeStats(CacheStats s, DataOutput out) throws IOException {
        out.writeUTF(s.name());
        out.writeInt(s.capacity());
        out.writeInt(s.size());
        out.writeLong(s.lookups());
        out.writeLong(s.hits());
        out.writeLong(s.misses());
        out.writeLong(s.fills());
        out.writeLong(s.evictions());
        out.writeLong(s.invalidations());
        out.writeLong(s.freedTableReads());
    }

    private static CacheStats readStats(DataInput in) throws IOException {
        return new CacheStats(in.readUTF(), in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    private interface Maker<T> {
        T make() throws IOException;
    }

    private static <T> T checked(Maker<T> m) throws IOException {
        try {
            return m.make();
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt TCU record: " + e.getMessage(), e);
        }
    }
}
