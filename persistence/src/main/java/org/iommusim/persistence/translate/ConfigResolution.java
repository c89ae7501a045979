package org.iommusim.persistence.translate;

import org.iommusim.persistence.config.ConfigSource;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.event.CBadCd;
import org.iommusim.protocol.event.CBadSte;
import org.iommusim.protocol.event.CBadStreamId;
import org.iommusim.protocol.event.CBadSubstreamId;
import org.iommusim.protocol.event.FStreamDisabled;
import org.iommusim.protocol.event.Origin;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * From the configuration in force to what a transaction goes through: the
 * STE and CD checks an SMMU makes before it translates. Configuration that
 * cannot be used is reported as the hardware would: C_BAD_STREAMID for a
 * StreamID beyond the stream table (or, in a two-level table, one its level-1
 * descriptor does not reach), C_BAD_STE for an invalid or inconsistent
 * STE (a stage the SMMU lacks, a missing or wrong-stage stage-2 domain),
 * C_BAD_SUBSTREAMID for a SubstreamID the CD table does not have,
 * F_STREAM_DISABLED for a transaction without SubstreamID when S1DSS
 * terminates, C_BAD_CD for an invalid or inconsistent CD.
 */
public final class ConfigResolution {
    private ConfigResolution() {}

    public static StreamContext resolve(TranslationRequest r, SmmuCapabilities caps, StreamConfig config,
            DomainLookup domains) {
        return resolve(r.sid(), r.ssv(), r.ssid(), caps, config, domains);
    }

    /** {@link #resolve(TranslationRequest, SmmuCapabilities, StreamConfig, DomainLookup)} by the fields it reads. */
    public static StreamContext resolve(int sid, boolean ssv, int ssid, SmmuCapabilities caps, ConfigSource config,
            DomainLookup domains) {
        return resolve(sid, ssv, ssid, caps, config, domains, GuestMemory.NONE);
    }

    /**
     * {@link #resolve(int, boolean, int, SmmuCapabilities, ConfigSource, DomainLookup)} for an SMMU whose
     * guests' stage-1 tables (a CD with {@code guestTables}) are read from {@code guest}.
     */
    public static StreamContext resolve(int sid, boolean ssv, int ssid, SmmuCapabilities caps, ConfigSource config,
            DomainLookup domains, GuestMemory guest) {
        Origin origin = new Origin(sid, ssv, ssid);
        // beyond SIDSIZE, or beyond what the stream table reaches (LOG2SIZE; in a two-level table an invalid
        // L1STD or an STE beyond its SPAN): the StreamID is out of range (Arm IHI 0070, 3.3.2 and 7.3.3)
        if (!caps.sidInRange(Integer.toUnsignedLong(sid)) || StreamConfig.outOfRange(config)) {
            return new StreamContext.ConfigFault(new CBadStreamId(origin));
        }
        Ste ste = config.ste();
        if (!ste.valid()) {
            return new StreamContext.ConfigFault(new CBadSte(origin));
        }
        SteConfig c = ste.config();
        if (c == SteConfig.ABORT) {
            return new StreamContext.Terminate("STE.Config is ABORT");
        }
        if (c == SteConfig.BYPASS) {
            return new StreamContext.Bypass(caps.oas());
        }
        if ((c.usesStage1() && !caps.stage1()) || (c.usesStage2() && !caps.stage2())) {
            return new StreamContext.ConfigFault(new CBadSte(origin));
        }
        PageTable s2 = null;
        int vmid = 0;
        if (c.usesStage2()) {
            s2 = domains.table(ste.s2Domain());
            if (s2 == null || s2.spec().stage() != DomainStage.STAGE2 || !caps.vmidInRange(ste.vmid())) {
                return new StreamContext.ConfigFault(new CBadSte(origin));
            }
            vmid = ste.vmid();
            if (c == SteConfig.STAGE2) {
                return stage2Only(ste, vmid, s2, caps);
            }
        }
        // stage 1: choose the CD
        int index;
        if (ssv) {
            if (ste.s1CdMax() == 0 || !caps.ssidInRange(ssid) || ssid >>> ste.s1CdMax() != 0) {
                return new StreamContext.ConfigFault(new CBadSubstreamId(origin));
            }
            index = ssid;
        } else if (ste.s1CdMax() > 0) {
            switch (ste.s1dss()) {
                case TERMINATE:
                    return new StreamContext.ConfigFault(new FStreamDisabled(origin));
                case BYPASS:
                    return s2 == null ? new StreamContext.Bypass(caps.ias()) : stage2Only(ste, vmid, s2, caps);
                default:
                    index = 0;
            }
        } else {
            index = 0;
        }
        if (ste.guestCds()) {
            return GuestCdResolution.resolve(origin, index, ste, vmid, s2, caps, config, guest);
        }
        Cd cd = config.cd(index);
        if (cd == null || !cd.valid() || !caps.asidInRange(cd.asid())) {
            return new StreamContext.ConfigFault(new CBadCd(origin));
        }
        PageTable s1 = domains.table(cd.s1Domain());
        if (s1 == null || s1.spec().tableFormat() != DomainStage.STAGE1) {
            return new StreamContext.ConfigFault(new CBadCd(origin));
        }
        boolean nestedDomain = s1.spec().stage() == DomainStage.NESTED;
        if (c == SteConfig.STAGE1) {
            // a nested domain's output is an IPA: without stage 2 it cannot be used, nor can guest tables
            return nestedDomain || cd.guestTables() ? new StreamContext.ConfigFault(new CBadCd(origin))
                    : new StreamContext.Translate(IotlbEntry.Kind.STAGE1, 0, cd.asid(), s1, null, caps.ias(),
                            new StreamContext.FaultControls(cd.r(), true, caps.httu() && cd.ha(), false));
        }
        if ((nestedDomain && !s1.spec().parent().equals(ste.s2Domain())) || (cd.guestTables() && !nestedDomain)) {
            return new StreamContext.ConfigFault(new CBadCd(origin));
        }
        // nested: the CD and the stage-1 tables are in the guest's IPA space, when the STE and CD say where
        long cdIpa = ste.s1ContextPtr() == -1 ? -1 : ste.s1ContextPtr() + 64L * (ssv ? ssid : 0);
        StreamContext.Fetches fetches = cdIpa == -1 && cd.ttb0() == Cd.NO_ADDRESS ? null
                : new StreamContext.Fetches(cdIpa, cd.ttb0(), cd.guestTables() ? guest : null);
        return new StreamContext.Translate(IotlbEntry.Kind.NESTED, vmid, cd.asid(), s1, s2, caps.ias(),
                new StreamContext.FaultControls(cd.r(), ste.s2r(), caps.httu() && cd.ha(), caps.httu() && ste.s2ha()),
                fetches);
    }

    /** Stage 1 bypassed: no CD, so the stage-1 check of the input against the IAS is always recorded. */
    private static StreamContext stage2Only(Ste ste, int vmid, PageTable s2, SmmuCapabilities caps) {
        return new StreamContext.Translate(IotlbEntry.Kind.STAGE2, vmid, IotlbEntry.NO_ASID, null, s2, caps.ias(),
                new StreamContext.FaultControls(true, ste.s2r(), false, caps.httu() && ste.s2ha()));
    }
}
