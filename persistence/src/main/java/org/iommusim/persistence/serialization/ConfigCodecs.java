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
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Granule;

/** Binary forms of STEs, CDs, stream configurations and SMMU capabilities. */
public final class ConfigCodecs {
    private ConfigCodecs() {}

    public static void writeSte(Ste s, DataOutput out) throws IOException {
        out.writeBoolean(s.valid());
        out.writeByte(s.config().ordinal());
        out.writeByte(s.s1CdMax());
        out.writeByte(s.s1dss().ordinal());
        out.writeInt(s.vmid());
        out.writeLong(s.s2Domain() == null ? -1 : s.s2Domain().value());
    }

    public static Ste readSte(DataInput in) throws IOException {
        boolean valid = in.readBoolean();
        SteConfig config = SteConfig.values()[in.readUnsignedByte()];
        int cdMax = in.readUnsignedByte();
        S1Dss dss = S1Dss.values()[in.readUnsignedByte()];
        int vmid = in.readInt();
        long s2 = in.readLong();
        return new Ste(valid, config, cdMax, dss, vmid, s2 < 0 ? null : DomainId.of(s2));
    }

    public static void writeCd(Cd c, DataOutput out) throws IOException {
        out.writeBoolean(c.valid());
        out.writeInt(c.asid());
        out.writeLong(c.s1Domain() == null ? -1 : c.s1Domain().value());
    }

    public static Cd readCd(DataInput in) throws IOException {
        boolean valid = in.readBoolean();
        int asid = in.readInt();
        long d = in.readLong();
        return new Cd(valid, asid, d < 0 ? null : DomainId.of(d));
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
        out.writeByte(granules);
        // bit 7 of the OAS byte (OAS is at most 52) marks a TCU record after the seed; journals
        // written before the TCU caches existed lack both and read as the defaults
        boolean tcu = !c.tcu().equals(TcuCaches.defaults());
        out.writeByte(c.oas() | (tcu ? TCU_RECORD : 0));
        out.writeByte(c.cmdqs());
        out.writeByte(c.eventqs());
        out.writeInt(c.iotlbEntries());
        out.writeByte(c.iotlbPolicy().ordinal());
        out.writeLong(c.iotlbSeed());
        if (tcu) {
            writeTcu(c.tcu(), out);
        }
    }

    private static final int TCU_RECORD = 0x80;

    private static void writeTcu(TcuCaches t, DataOutput out) throws IOException {
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

    private static TcuCaches readTcu(DataInput in) throws IOException {
        List<List<CacheShape>> stages = new ArrayList<>();
        for (int stage = 1; stage <= 2; stage++) {
            List<CacheShape> levels = new ArrayList<>();
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                levels.add(readShape(in));
            }
            stages.add(levels);
        }
        return new TcuCaches(stages.get(0), stages.get(1), readShape(in), readShape(in));
    }

    private static CacheShape readShape(DataInput in) throws IOException {
        return new CacheShape(in.readInt(), in.readUnsignedByte());
    }

    public static SmmuCapabilities readCaps(DataInput in) throws IOException {
        int f = in.readUnsignedByte();
        SmmuCapabilities.Builder b = SmmuCapabilities.builder()
                .stage1((f & 1) != 0).stage2((f & 2) != 0).ril((f & 4) != 0).hyp((f & 8) != 0)
                .secure((f & 16) != 0).ats((f & 32) != 0).pri((f & 64) != 0).stall((f & 128) != 0)
                .asidBits(in.readUnsignedByte()).vmidBits(in.readUnsignedByte()).sidBits(in.readUnsignedByte())
                .ssidBits(in.readUnsignedByte());
        int granules = in.readUnsignedByte();
        Set<Granule> gs = EnumSet.noneOf(Granule.class);
        for (Granule g : Granule.values()) {
            if ((granules & (1 << g.ordinal())) != 0) {
                gs.add(g);
            }
        }
        int oas = in.readUnsignedByte();
        b.granules(gs).oas(oas & ~TCU_RECORD).cmdqs(in.readUnsignedByte()).eventqs(in.readUnsignedByte())
                .iotlbEntries(in.readInt()).iotlbPolicy(IotlbPolicy.values()[in.readUnsignedByte()])
                .iotlbSeed(in.readLong());
        if ((oas & TCU_RECORD) != 0) {
            b.tcu(readTcu(in));
        }
        return b.build();
    }
}
