package org.iommusim.persistence.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Granule;

/** Binary forms of STEs, CDs, stream configurations and SMMU capabilities. */
public final class ConfigCodecs {
    private ConfigCodecs() {}

    // The first byte of an STE or CD holds flags: bit 0 V, bit 1 R clear (STE.S2R / CD.R = 0),
    // bit 2 HA (STE.S2HA / CD.HA). Journals written before R and HA hold 0 or 1 there, which
    // read as R = 1, HA = 0: what those STEs and CDs meant.
    private static final int FLAG_VALID = 1, FLAG_NO_RECORD = 2, FLAG_HA = 4;
    // bit 3: an address follows the record (STE.S1ContextPtr / CD.TTB0); older journals have none
    private static final int FLAG_ADDRESS = 8;
    // bit 4: the stage-1 tables are in guest memory (Cd.guestTables), or for an STE its CD table is (Ste.guestCds);
    // older journals have it clear
    private static final int FLAG_GUEST = 16;
    private static final int CAPS_HTTU = 1 << 4;
    // IDR0.ST_LEVEL = 0b00 (linear stream tables only): bit 5 of the granule byte. Older journals hold 0
    // there: ST_LEVEL = 0b01, what the model advertised (hw_info) before the capability existed
    private static final int CAPS_LINEAR_ONLY = 1 << 5;

    private static int flags(boolean valid, boolean record, boolean ha) {
        return (valid ? FLAG_VALID : 0) | (record ? 0 : FLAG_NO_RECORD) | (ha ? FLAG_HA : 0);
    }

    private static int readFlags(DataInput in, String what) throws IOException {
        int f = in.readUnsignedByte();
        if ((f & ~(FLAG_VALID | FLAG_NO_RECORD | FLAG_HA | FLAG_ADDRESS | FLAG_GUEST)) != 0) {
            throw new IOException(what + " flags 0x" + Integer.toHexString(f) + " have unknown bits");
        }
        return f;
    }

    public static void writeSte(Ste s, DataOutput out) throws IOException {
        out.writeByte(flags(s.valid(), s.s2r(), s.s2ha()) | (s.s1ContextPtr() != -1 ? FLAG_ADDRESS : 0)
                | (s.guestCds() ? FLAG_GUEST : 0));
        out.writeByte(s.config().ordinal());
        out.writeByte(s.s1CdMax());
        out.writeByte(s.s1dss().ordinal());
        out.writeInt(s.vmid());
        out.writeLong(s.s2Domain() == null ? -1 : s.s2Domain().value());
        if (s.s1ContextPtr() != -1) {
            out.writeLong(s.s1ContextPtr());
        }
    }

    public static Ste readSte(DataInput in) throws IOException {
        int f = readFlags(in, "STE");
        SteConfig config = SteConfig.values()[in.readUnsignedByte()];
        int cdMax = in.readUnsignedByte();
        S1Dss dss = S1Dss.values()[in.readUnsignedByte()];
        int vmid = in.readInt();
        long s2 = in.readLong();
        long context = (f & FLAG_ADDRESS) != 0 ? in.readLong() : -1;
        try {
            return new Ste((f & FLAG_VALID) != 0, config, cdMax, dss, vmid, s2 < 0 ? null : DomainId.of(s2),
                    (f & FLAG_NO_RECORD) == 0, (f & FLAG_HA) != 0, context, (f & FLAG_GUEST) != 0);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt STE: " + e.getMessage(), e);
        }
    }

    public static void writeCd(Cd c, DataOutput out) throws IOException {
        out.writeByte(flags(c.valid(), c.r(), c.ha()) | (c.ttb0() != Cd.NO_ADDRESS ? FLAG_ADDRESS : 0)
                | (c.guestTables() ? FLAG_GUEST : 0));
        out.writeInt(c.asid());
        out.writeLong(c.s1Domain() == null ? -1 : c.s1Domain().value());
        if (c.ttb0() != Cd.NO_ADDRESS) {
            out.writeLong(c.ttb0());
        }
    }

    public static Cd readCd(DataInput in) throws IOException {
        int f = readFlags(in, "CD");
        int asid = in.readInt();
        long d = in.readLong();
        long ttb0 = (f & FLAG_ADDRESS) != 0 ? in.readLong() : Cd.NO_ADDRESS;
        try {
            return new Cd((f & FLAG_VALID) != 0, asid, d < 0 ? null : DomainId.of(d), (f & FLAG_NO_RECORD) == 0,
                    (f & FLAG_HA) != 0, ttb0, (f & FLAG_GUEST) != 0);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt CD: " + e.getMessage(), e);
        }
    }

    public static void writeCds(Map<Integer, Cd> cds, DataOutput out) throws IOException {
        out.writeInt(cds.size());
        for (Map.Entry<Integer, Cd> e : new TreeMap<>(cds).entrySet()) {
            out.writeInt(e.getKey());
            writeCd(e.getValue(), out);
        }
    }

    public static Map<Integer, Cd> readCds(DataInput in) throws IOException {
        int n = VocabularyCodecs.readCount(in);
        Map<Integer, Cd> cds = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            cds.put(in.readInt(), readCd(in));
        }
        return cds;
    }

    public static void writeStream(StreamConfig c, DataOutput out) throws IOException {
        writeSte(c.ste(), out);
        writeCds(c.cds(), out);
    }

    public static StreamConfig readStream(DataInput in) throws IOException {
        return new StreamConfig(readSte(in), readCds(in));
    }

    public static void writeLoad(ConfigLoad l, DataOutput out) throws IOException {
        out.writeInt(l.sid());
        out.writeBoolean(l.ste() != null);
        if (l.ste() != null) {
            writeSte(l.ste(), out);
        }
        out.writeBoolean(l.allCds());
        writeCds(l.cds(), out);
    }

    public static ConfigLoad readLoad(DataInput in) throws IOException {
        int sid = in.readInt();
        Ste ste = in.readBoolean() ? readSte(in) : null;
        boolean all = in.readBoolean();
        return new ConfigLoad(sid, ste, all, readCds(in));
    }

    public static void writeFormat(StreamTableFormat f, DataOutput out) throws IOException {
        out.writeBoolean(f.twoLevel());
        out.writeByte(f.log2Size());
        out.writeByte(f.split());
    }

    public static StreamTableFormat readFormat(DataInput in) throws IOException {
        boolean twoLevel = in.readBoolean();
        int log2Size = in.readUnsignedByte();
        int split = in.readUnsignedByte();
        try {
            return new StreamTableFormat(twoLevel, log2Size, split);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt stream table format: " + e.getMessage(), e);
        }
    }

    public static void writeL1(L1Descriptor d, DataOutput out) throws IOException {
        out.writeByte(d.span());
        out.writeLong(d.l2Ptr());
    }

    public static L1Descriptor readL1(DataInput in) throws IOException {
        int span = in.readUnsignedByte();
        long l2Ptr = in.readLong();
        try {
            return new L1Descriptor(span, l2Ptr);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt level-1 stream table descriptor: " + e.getMessage(), e);
        }
    }

    public static void writeCaps(SmmuCapabilities c, DataOutput out) throws IOException {
        int flags = (c.stage1() ? 1 : 0) | (c.stage2() ? 2 : 0) | (c.ril() ? 4 : 0) | (c.hyp() ? 8 : 0)
                | (c.secure() ? 16 : 0) | (c.ats() ? 32 : 0) | (c.pri() ? 64 : 0) | (c.stall() ? 128 : 0);
        out.writeByte(flags);
        out.writeByte(c.asidBits());
        out.writeByte(c.vmidBits());
        out.writeByte(c.sidBits());
        out.writeByte(c.ssidBits());
        int granules = 0;
        for (Granule g : c.granules()) {
            granules |= 1 << g.ordinal();
        }
        boolean tbus = !c.tbus().isEmpty() || !c.streamTbus().isEmpty();
        // bit 7 of the granule byte (no granule uses it) marks the TBU section: without it the bytes are the
        // format before TBUs, so journals of either format read back; IDR0.HTTU shares the byte (bit 4):
        // older journals hold 0 there, no HTTU
        out.writeByte(granules | (tbus ? TBU_SECTION : 0) | (c.httu() ? CAPS_HTTU : 0)
                | (c.twoLevelStreamTables() ? 0 : CAPS_LINEAR_ONLY));
        // bit 7 of the OAS byte (OAS is at most 52) marks a TCU record after the TBU section; journals
        // written before the TCU caches existed lack both and read as the defaults
        boolean tcu = !c.tcu().equals(TcuCaches.defaults());
        out.writeByte(c.oas() | (tcu ? TCU_RECORD : 0));
        out.writeByte(c.cmdqs());
        out.writeByte(c.eventqs());
        out.writeInt(c.iotlbEntries());
        out.writeByte(c.iotlbPolicy().ordinal());
        out.writeLong(c.iotlbSeed());
        if (tbus) {
            out.writeByte(TBU_SECTION_VERSION);
            out.writeShort(c.tbus().size());
            for (TbuTlb t : c.tbus()) {
                out.writeInt(t.entries());
                out.writeInt(t.ways());
                out.writeByte(t.policy().ordinal());
                out.writeLong(t.seed());
                out.writeInt(t.microEntries());
                out.writeByte(t.microPolicy().ordinal());
            }
            out.writeInt(c.streamTbus().size());
            for (Map.Entry<Integer, Integer> e : c.streamTbus().entrySet()) {
                out.writeInt(e.getKey());
                out.writeShort(e.getValue());
            }
        }
        if (tcu) {
            writeTcu(c.tcu(), out);
        }
    }

    private static final int TBU_SECTION = 0x80;
    private static final int TBU_SECTION_VERSION = 1;

    private static void readTbus(DataInput in, SmmuCapabilities.Builder b) throws IOException {
        int version = in.readUnsignedByte();
        if (version != TBU_SECTION_VERSION) {
            throw new IOException("unknown TBU section version " + version + " in SMMU capabilities");
        }
        int n = in.readUnsignedShort();
        List<TbuTlb> tbus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int entries = in.readInt();
            int ways = in.readInt();
            IotlbPolicy policy = policy(in.readUnsignedByte());
            long seed = in.readLong();
            int micro = in.readInt();
            try {
                tbus.add(new TbuTlb(entries, ways, policy, seed, micro, policy(in.readUnsignedByte())));
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt TBU TLB in SMMU capabilities: " + e.getMessage(), e);
            }
        }
        int m = in.readInt();
        if (m < 0 || m > (1 << 20)) {
            throw new IOException("corrupt stream-to-TBU count " + m);
        }
        Map<Integer, Integer> streams = new TreeMap<>();
        for (int i = 0; i < m; i++) {
            streams.put(in.readInt(), in.readUnsignedShort());
        }
        b.tbus(tbus).streamTbus(streams);
    }

    private static IotlbPolicy policy(int ordinal) throws IOException {
        if (ordinal >= IotlbPolicy.values().length) {
            throw new IOException("corrupt IOTLB policy " + ordinal);
        }
        return IotlbPolicy.values()[ordinal];
    }

    private static final int TCU_RECORD = 0x80;

    public static void writeTcu(TcuCaches t, DataOutput out) throws IOException {
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                writeShape(t.walk(stage, level), out);
            }
        }
        writeShape(t.ipaCache(), out);
        writeShape(t.configCache(), out);
    }

    private static void writeShape(CacheShape s, DataOutput out) throws IOException {
        out.writeInt(s.entries());
        out.writeByte(s.ways());
    }

    public static TcuCaches readTcu(DataInput in) throws IOException {
        List<List<CacheShape>> stages = new ArrayList<>();
        for (int stage = 1; stage <= 2; stage++) {
            List<CacheShape> levels = new ArrayList<>();
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                levels.add(readShape(in));
            }
            stages.add(levels);
        }
        CacheShape ipa = readShape(in);
        CacheShape config = readShape(in);
        try {
            return new TcuCaches(stages.get(0), stages.get(1), ipa, config);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt TCU caches in SMMU capabilities: " + e.getMessage(), e);
        }
    }

    private static CacheShape readShape(DataInput in) throws IOException {
        int entries = in.readInt();
        int ways = in.readUnsignedByte();
        try {
            return new CacheShape(entries, ways);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt TCU cache shape in SMMU capabilities: " + e.getMessage(), e);
        }
    }

    public static SmmuCapabilities readCaps(DataInput in) throws IOException {
        int f = in.readUnsignedByte();
        SmmuCapabilities.Builder b = SmmuCapabilities.builder()
                .stage1((f & 1) != 0).stage2((f & 2) != 0).ril((f & 4) != 0).hyp((f & 8) != 0)
                .secure((f & 16) != 0).ats((f & 32) != 0).pri((f & 64) != 0).stall((f & 128) != 0)
                .asidBits(in.readUnsignedByte()).vmidBits(in.readUnsignedByte()).sidBits(in.readUnsignedByte())
                .ssidBits(in.readUnsignedByte());
        int granules = in.readUnsignedByte();
        b.httu((granules & CAPS_HTTU) != 0).twoLevelStreamTables((granules & CAPS_LINEAR_ONLY) == 0);
        Set<Granule> gs = EnumSet.noneOf(Granule.class);
        for (Granule g : Granule.values()) {
            if ((granules & (1 << g.ordinal())) != 0) {
                gs.add(g);
            }
        }
        int oas = in.readUnsignedByte();
        b.granules(gs).oas(oas & ~TCU_RECORD).cmdqs(in.readUnsignedByte()).eventqs(in.readUnsignedByte())
                .iotlbEntries(in.readInt()).iotlbPolicy(policy(in.readUnsignedByte()))
                .iotlbSeed(in.readLong());
        if ((granules & TBU_SECTION) != 0) {
            readTbus(in, b);
        }
        if ((oas & TCU_RECORD) != 0) {
            b.tcu(readTcu(in));
        }
        return b.build();
    }
}
