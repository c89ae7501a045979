package org.iommusim.persistence.cmdq;

import java.util.Optional;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.AtcInv;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiCdAll;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CfgiSteRange;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.PrefetchAddr;
import org.iommusim.protocol.command.PrefetchConfig;
import org.iommusim.protocol.command.PriResp;
import org.iommusim.protocol.command.Resume;
import org.iommusim.protocol.command.StallTerm;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiEl2Asid;
import org.iommusim.protocol.command.TlbiEl2Va;
import org.iommusim.protocol.command.TlbiEl2Vaa;
import org.iommusim.protocol.command.TlbiEl3Va;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNhVaa;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;

/**
 * Which decoded commands a particular SMMU refuses as CERROR_ILL, given what
 * it advertises: the capability-dependent half of command legality (the
 * codec does the capability-free half). Every refusal names its reason.
 * A command refused here halts the queue; one that {@link #hasNoEffect has no
 * effect} is consumed and does nothing.
 *
 * <p>Valid commands the model does not act on (documented in docs/SMMU.md):
 * PREFETCH_* are accepted as hints and do nothing (caches fill on demand);
 * ATC_INV, PRI_RESP, RESUME and STALL_TERM are accepted only when the SMMU
 * advertises ATS, PRI or stalling, and then complete at once (no ATC, page
 * request or stall is modelled); otherwise they are ILL, as on an SMMU
 * without the feature.
 */
public final class CommandRules {
    private CommandRules() {}

    public static Optional<String> refusal(Command command, SmmuCapabilities caps) {
        return Optional.ofNullable(reason(command, caps));
    }

    private static String reason(Command c, SmmuCapabilities caps) {
        if (c instanceof TlbiCommand t) {
            return tlbi(t, caps);
        }
        // A StreamID beyond SIDSIZE is an out-of-range parameter (Arm IHI 0070, 4.1.7): CONSTRAINED
        // UNPREDICTABLE between "no effect" and acting on some other StreamID, never CERROR_ILL. The
        // model takes "no effect" (see hasNoEffect); a SubstreamID beyond SSIDSIZE it refuses as ILL,
        // which the reference allows a model to do.
        if (c instanceof CfgiSte || c instanceof CfgiSteRange) {
            return null;
        }
        if (c instanceof CfgiCd cd) {
            return orElse(needStage1(caps, c), ssid(cd.ssid(), caps));
        }
        if (c instanceof CfgiCdAll) {
            return needStage1(caps, c);
        }
        if (c instanceof PrefetchConfig p) {
            return ssidIfValid(p.ssv(), p.ssid(), caps);
        }
        if (c instanceof PrefetchAddr p) {
            return ssidIfValid(p.ssv(), p.ssid(), caps);
        }
        if (c instanceof AtcInv a) {
            return !caps.ats() ? "ATC_INV on an SMMU without ATS (IDR0.ATS=0)" : ssidIfValid(a.ssv(), a.ssid(), caps);
        }
        if (c instanceof PriResp p) {
            return !caps.pri() ? "PRI_RESP on an SMMU without PRI (IDR0.PRI=0)" : ssidIfValid(p.ssv(), p.ssid(), caps);
        }
        if (c instanceof Resume r) {
            return !caps.stall() ? "RESUME on an SMMU without stall support" : null;
        }
        if (c instanceof StallTerm s) {
            return !caps.stall() ? "STALL_TERM on an SMMU without stall support" : null;
        }
        if (c instanceof CmdSync s) {
            return null;
        }
        throw new IllegalStateException("no rule for " + c.opcode());
    }

    /**
     * Whether a legal command is consumed without effect: a configuration
     * invalidation of one StreamID beyond SIDSIZE (Arm IHI 0070, 4.1.7
     * "Out-of-range parameters"; the model takes the "no effect" choice), and
     * a CFGI_STE_RANGE whose aligned range starts beyond it (the range is then
     * wholly out of range; one that starts inside covers the whole table, and
     * only StreamIDs in range are ever written or cached).
     */
    public static boolean hasNoEffect(Command c, SmmuCapabilities caps) {
        int sid;
        if (c instanceof CfgiSteRange r) {
            return !caps.sidInRange(r.firstSid());
        } else if (c instanceof CfgiSte s) {
            sid = s.sid();
        } else if (c instanceof CfgiCd cd) {
            sid = cd.sid();
        } else if (c instanceof CfgiCdAll cd) {
            sid = cd.sid();
        } else {
            return false;
        }
        return !caps.sidInRange(Integer.toUnsignedLong(sid));
    }

    private static String tlbi(TlbiCommand t, SmmuCapabilities caps) {
        return switch (t.opcode()) {
            case TLBI_NH_ALL -> orElse(needStage1(caps, t), vmid(((TlbiNhAll) t).vmid(), caps));
            case TLBI_NH_ASID -> {
                TlbiNhAsid x = (TlbiNhAsid) t;
                yield orElse(needStage1(caps, t), orElse(vmid(x.vmid(), caps), asid(x.asid(), caps)));
            }
            case TLBI_NH_VA -> {
                TlbiNhVa x = (TlbiNhVa) t;
                yield orElse(needStage1(caps, t),
                        orElse(vmid(x.vmid(), caps), orElse(asid(x.asid(), caps), range(x.range(), caps))));
            }
            case TLBI_NH_VAA -> {
                TlbiNhVaa x = (TlbiNhVaa) t;
                yield orElse(needStage1(caps, t), orElse(vmid(x.vmid(), caps), range(x.range(), caps)));
            }
            case TLBI_S2_IPA -> {
                TlbiS2Ipa x = (TlbiS2Ipa) t;
                yield orElse(needStage2(caps, t), orElse(vmid(x.vmid(), caps), range(x.range(), caps)));
            }
            case TLBI_S12_VMALL -> orElse(needStage2(caps, t), vmid(((TlbiS12Vmall) t).vmid(), caps));
            case TLBI_EL2_ALL -> needHyp(caps, t);
            case TLBI_EL2_ASID -> orElse(needHyp(caps, t), asid(((TlbiEl2Asid) t).asid(), caps));
            case TLBI_EL2_VA -> {
                TlbiEl2Va x = (TlbiEl2Va) t;
                yield orElse(needHyp(caps, t), orElse(asid(x.asid(), caps), range(x.range(), caps)));
            }
            case TLBI_EL2_VAA -> orElse(needHyp(caps, t), range(((TlbiEl2Vaa) t).range(), caps));
            case TLBI_EL3_ALL -> needSecure(caps, t);
            case TLBI_EL3_VA -> orElse(needSecure(caps, t), range(((TlbiEl3Va) t).range(), caps));
            case TLBI_NSNH_ALL -> null;
            default -> throw new IllegalStateException(t.opcode() + " is not a TLBI");
        };
    }

    private static String orElse(String a, String b) {
        return a != null ? a : b;
    }

    /** TLBI_NH_*, and CFGI_CD / CFGI_CD_ALL (Arm IHI 0070, 4.3.3 and 4.3.4: CERROR_ILL without stage 1). */
    private static String needStage1(SmmuCapabilities caps, Command c) {
        return caps.stage1() ? null : c.opcode() + " is a stage-1 invalidation on an SMMU without stage 1";
    }

    private static String needStage2(SmmuCapabilities caps, TlbiCommand t) {
        return caps.stage2() ? null : t.opcode() + " is a stage-2 invalidation on an SMMU without stage 2";
    }

    private static String needHyp(SmmuCapabilities caps, TlbiCommand t) {
        return caps.hyp() ? null : t.opcode() + " on an SMMU without EL2 support (IDR0.HYP=0)";
    }

    private static String needSecure(SmmuCapabilities caps, TlbiCommand t) {
        return caps.secure() ? null : t.opcode() + " is only valid on a Secure command queue";
    }

    private static String range(TlbiRange r, SmmuCapabilities caps) {
        if (!r.isRange()) {
            return null;
        }
        if (!caps.ril()) {
            return "range invalidation (TG=" + r.tg() + ") on an SMMU without RIL (IDR3.RIL=0)";
        }
        if (!caps.granules().contains(r.granule().orElseThrow())) {
            return "range granule " + r.granule().orElseThrow().label() + " is not supported by this SMMU";
        }
        return null;
    }

    private static String vmid(int vmid, SmmuCapabilities caps) {
        return caps.vmidInRange(vmid) ? null
                : "VMID 0x" + Integer.toHexString(vmid) + " exceeds the advertised " + caps.vmidBits() + "-bit VMIDs";
    }

    private static String asid(int asid, SmmuCapabilities caps) {
        return caps.asidInRange(asid) ? null
                : "ASID 0x" + Integer.toHexString(asid) + " exceeds the advertised " + caps.asidBits() + "-bit ASIDs";
    }

    static String ssid(int ssid, SmmuCapabilities caps) {
        return caps.ssidInRange(ssid) ? null
                : "SubstreamID 0x" + Integer.toHexString(ssid) + " is beyond the advertised " + caps.ssidBits()
                        + "-bit SubstreamIDs";
    }

    private static String ssidIfValid(boolean ssv, int ssid, SmmuCapabilities caps) {
        return ssv ? ssid(ssid, caps) : null;
    }
}
