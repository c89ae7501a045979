package org.iommusim.simulations.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.Granule;

/**
 * Text and JSON of configuration values: STEs, CDs, the loads a CFGI made,
 * an SMMU's capabilities. An STE reads as its config, then only the fields
 * that config uses ({@code STAGE1 s1cdmax=0 s1dss=TERMINATE},
 * {@code STAGE2 vmid=0x9 s2=domain-1}, {@code INVALID}); inside a load line
 * the same with commas, so a load stays one token per field
 * ({@code load sid=0x10 ste=STAGE1,s1cdmax=0,s1dss=TERMINATE cds=[0:asid=0x5->domain-1]}).
 */
final class ConfigText {
    private ConfigText() {}

    static String ste(Ste s) {
        if (!s.valid()) {
            return "INVALID";
        }
        StringBuilder sb = new StringBuilder(s.config().name());
        if (s.config().usesStage1()) {
            sb.append(" s1cdmax=").append(s.s1CdMax()).append(" s1dss=").append(s.s1dss());
            if (s.s1ContextPtr() != -1) {
                sb.append(" s1contextptr=0x").append(Long.toHexString(s.s1ContextPtr()));
            }
            sb.append(s.guestCds() ? " guest-cds" : "");
        }
        if (s.config().usesStage2()) {
            sb.append(" vmid=0x").append(Integer.toHexString(s.vmid())).append(" s2=").append(s.s2Domain());
            // only what differs from Linux's STE (S2R=1, S2HA=0), so common lines stay as they were
            sb.append(s.s2r() ? "" : " s2r=0").append(s.s2ha() ? " s2ha=1" : "");
        }
        return sb.toString();
    }

    /** {@code asid=0x5->domain-1}, or {@code invalid}. */
    static String cd(Cd c) {
        return c.valid() ? "asid=0x" + Integer.toHexString(c.asid()) + "->" + c.s1Domain()
                + (c.r() ? "" : "(r=0)") + (c.ha() ? "(ha=1)" : "")
                + (c.ttb0() == Cd.NO_ADDRESS ? "" : "(ttb0=0x" + Long.toHexString(c.ttb0()) + ")")
                + (c.guestTables() ? "(guest tables)" : "") : "invalid";
    }

    /** {@code [0:asid=0x5->domain-1, 3:invalid]}, by SubstreamID. */
    static String cds(Map<Integer, Cd> cds) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(cds).forEach((ssid, cd) -> parts.add(Integer.toHexString(ssid) + ":" + cd(cd)));
        return "[" + String.join(", ", parts) + "]";
    }

    /**
     * {@code load sid=0x10 ste=STAGE1,... cds=[...]}: {@code cds=} when the
     * stream's CD table was replaced by what is listed, {@code cd=} when only
     * the listed CDs were (CFGI_CD); no {@code ste=} when the STE was not loaded.
     */
    static String load(ConfigLoad l) {
        StringBuilder sb = new StringBuilder("load sid=0x").append(Integer.toHexString(l.sid()));
        if (l.ste() != null) {
            sb.append(" ste=").append(ste(l.ste()).replace(' ', ','));
        }
        if (l.allCds() || !l.cds().isEmpty()) {
            sb.append(l.allCds() ? " cds=" : " cd=").append(cds(l.cds()));
        }
        return sb.toString();
    }

    static JsonObject steJson(Ste s) {
        JsonObject o = new JsonObject().bool("valid", s.valid()).string("config", s.config().name());
        if (s.config().usesStage1()) {
            o.number("s1CdMax", s.s1CdMax()).string("s1dss", s.s1dss().name());
        }
        if (s.config().usesStage2()) {
            o.hex("vmid", s.vmid()).string("s2Domain", s.s2Domain().persistenceId());
            if (!s.s2r() || s.s2ha()) {
                o.bool("s2r", s.s2r()).bool("s2ha", s.s2ha());
            }
        }
        return o;
    }

    static JsonObject cdJson(int ssid, Cd c) {
        JsonObject o = new JsonObject().hex("ssid", ssid).bool("valid", c.valid());
        if (c.valid()) {
            o.hex("asid", c.asid()).string("s1Domain", c.s1Domain().persistenceId());
            if (!c.r() || c.ha()) {
                o.bool("r", c.r()).bool("ha", c.ha());
            }
        }
        return o;
    }

    static List<JsonObject> cdsJson(Map<Integer, Cd> cds) {
        List<JsonObject> out = new ArrayList<>();
        new TreeMap<>(cds).forEach((ssid, cd) -> out.add(cdJson(ssid, cd)));
        return out;
    }

    static JsonObject loadJson(ConfigLoad l) {
        JsonObject o = new JsonObject().hex("sid", l.sid());
        if (l.ste() != null) {
            o.object("ste", steJson(l.ste()));
        }
        return o.bool("allCds", l.allCds()).array("cds", cdsJson(l.cds()));
    }

    /** {@code stages=1+2 ril=1 ... cmdq=256 evtq=128 iotlb=2048 policy=LRU seed=0x1}. */
    static String caps(SmmuCapabilities c) {
        return "stages=" + (c.stage1() && c.stage2() ? "1+2" : c.stage1() ? "1" : "2")
                + " ril=" + bit(c.ril()) + " hyp=" + bit(c.hyp()) + " secure=" + bit(c.secure())
                + " ats=" + bit(c.ats()) + " pri=" + bit(c.pri()) + " stall=" + bit(c.stall())
                + " asid-bits=" + c.asidBits() + " vmid-bits=" + c.vmidBits() + " sid-bits=" + c.sidBits()
                + " ssid-bits=" + c.ssidBits() + " granules=" + granules(c) + " oas=" + c.oas()
                + " cmdq=" + c.commandQueueCapacity() + " evtq=" + c.eventQueueCapacity()
                + " iotlb=" + c.iotlbEntries() + " policy=" + c.iotlbPolicy() + " seed=0x" + Long.toHexString(c.iotlbSeed())
                + (c.twoLevelStreamTables() ? "" : " st-level=linear");
    }

    static void capsJson(SmmuCapabilities c, JsonObject o) {
        o.bool("stage1", c.stage1()).bool("stage2", c.stage2()).bool("ril", c.ril()).bool("hyp", c.hyp())
                .bool("secure", c.secure()).bool("ats", c.ats()).bool("pri", c.pri()).bool("stall", c.stall())
                .number("asidBits", c.asidBits()).number("vmidBits", c.vmidBits()).number("sidBits", c.sidBits())
                .number("ssidBits", c.ssidBits()).string("granules", granules(c)).number("oas", c.oas())
                .number("cmdqEntries", c.commandQueueCapacity()).number("evtqEntries", c.eventQueueCapacity())
                .number("iotlbEntries", c.iotlbEntries()).string("iotlbPolicy", c.iotlbPolicy().name())
                .hex("iotlbSeed", c.iotlbSeed());
        if (!c.twoLevelStreamTables()) { // IDR0.ST_LEVEL=0b00; present only then, as in the text form
            o.bool("twoLevelStreamTables", false);
        }
    }

    private static String granules(SmmuCapabilities c) {
        List<String> g = new ArrayList<>();
        for (Granule x : Granule.values()) {
            if (c.granules().contains(x)) {
                g.add(x.label());
            }
        }
        return String.join(",", g);
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }
}
