package org.iommusim.actors.iommufd;

import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.Granule;

/**
 * What {@code IOMMU_GET_HW_INFO} tells a VMM about an SMMUv3: the ID-register
 * fields it needs to build a virtual SMMU that the physical one can back. The
 * named fields come from {@link SmmuCapabilities}; {@link #encode()} packs them
 * into IDR0..IDR5 at their architectural positions (Linux's
 * {@code struct iommu_hw_info_arm_smmuv3} carries exactly those words).
 *
 * @param s1p      IDR0.S1P: stage-1 translation
 * @param s2p      IDR0.S2P: stage-2 translation
 * @param ril      IDR3.RIL: range invalidation
 * @param asid16   IDR0.ASID16: 16-bit ASIDs
 * @param vmid16   IDR0.VMID16: 16-bit VMIDs
 * @param sidSize  IDR1.SIDSIZE: StreamID bits
 * @param ssidSize IDR1.SSIDSIZE: SubstreamID bits
 * @param gran4k   IDR5.GRAN4K
 * @param gran16k  IDR5.GRAN16K
 * @param gran64k  IDR5.GRAN64K
 * @param oasBits  the output address size in bits (IDR5.OAS decodes to it)
 * @param cmdqs    IDR1.CMDQS: log2 of the command-queue entries
 * @param eventqs  IDR1.EVENTQS: log2 of the event-queue entries
 * @param hyp      IDR0.HYP: EL2 translation regime
 * @param ats      IDR0.ATS
 * @param pri      IDR0.PRI
 * @param stall    stalling supported (IDR0.STALL_MODEL 0b00 rather than 0b01)
 * @param stLevel2 IDR0.ST_LEVEL 0b01: two-level stream tables (0b00: linear only)
 */
public record IdrInfo(boolean s1p, boolean s2p, boolean ril, boolean asid16, boolean vmid16,
        int sidSize, int ssidSize, boolean gran4k, boolean gran16k, boolean gran64k, int oasBits,
        int cmdqs, int eventqs, boolean hyp, boolean ats, boolean pri, boolean stall, boolean stLevel2) {

    /** The IDR fields an SMMU with these capabilities advertises. */
    public static IdrInfo of(SmmuCapabilities caps) {
        return new IdrInfo(caps.stage1(), caps.stage2(), caps.ril(), caps.asidBits() == 16, caps.vmidBits() == 16,
                caps.sidBits(), caps.ssidBits(), caps.granules().contains(Granule.G4K),
                caps.granules().contains(Granule.G16K), caps.granules().contains(Granule.G64K), caps.oas(),
                caps.cmdqs(), caps.eventqs(), caps.hyp(), caps.ats(), caps.pri(), caps.stall(),
                caps.twoLevelStreamTables());
    }

    /**
     * Packs the fields into the six ID register words (IDR2 and IDR4 hold
     * nothing the model has). Besides the named fields, IDR0 says what every
     * model SMMU is: COHACC (no cache maintenance is modelled), MSI and SEV
     * (a CMD_SYNC may complete with CS=IRQ or CS=SEV), TTENDIAN little-endian
     * only, TERM_MODEL abort-only (a terminated transaction faults). ST_LEVEL
     * is the SMMU's ({@link SmmuCapabilities#twoLevelStreamTables()}, 2-level by
     * default: Linux uses one when SIDSIZE is large, and QEMU's accelerated
     * SMMUv3 requires it).
     */
    public IdrRegisters encode() {
        int idr0 = flag(s2p, 0) | flag(s1p, 1)
                | TTF_AARCH64 << 2
                | flag(true, 4) // COHACC
                | flag(hyp, 9) | flag(ats, 10) | flag(asid16, 12)
                | flag(true, 13) | flag(true, 14) // MSI, SEV
                | flag(pri, 16) | flag(vmid16, 18)
                | TTENDIAN_LITTLE << 21
                | (stall ? STALL_MODEL_STALL_AND_TERMINATE : STALL_MODEL_TERMINATE_ONLY) << 24
                | flag(true, 26) // TERM_MODEL: abort
                | (stLevel2 ? STLEVEL_2LVL : STLEVEL_LINEAR) << 27;
        int idr1 = sidSize | ssidSize << 6 | eventqs << 16 | cmdqs << 21;
        int idr3 = flag(ril, 10);
        int idr5 = oasCode(oasBits) | flag(gran4k, 4) | flag(gran16k, 5) | flag(gran64k, 6);
        return new IdrRegisters(idr0, idr1, 0, idr3, 0, idr5);
    }

    /** IDR0.TTF: the model's tables are AArch64 only. */
    private static final int TTF_AARCH64 = 0b10;
    private static final int STALL_MODEL_STALL_AND_TERMINATE = 0b00;
    private static final int STALL_MODEL_TERMINATE_ONLY = 0b01;
    /** IDR0.TTENDIAN 0b10: little-endian translation tables only. */
    private static final int TTENDIAN_LITTLE = 0b10;
    /** IDR0.STLEVEL 0b01: 2-level stream tables supported. */
    private static final int STLEVEL_2LVL = 0b01;
    private static final int STLEVEL_LINEAR = 0b00;

    private static int flag(boolean on, int bit) {
        return on ? 1 << bit : 0;
    }

    /** IDR5.OAS: 0=32, 1=36, 2=40, 3=42, 4=44, 5=48, 6=52 bits. */
    static int oasCode(int bits) {
        return switch (bits) {
            case 32 -> 0;
            case 36 -> 1;
            case 40 -> 2;
            case 42 -> 3;
            case 44 -> 4;
            case 48 -> 5;
            case 52 -> 6;
            default -> throw new IllegalArgumentException("oas " + bits + " bits has no IDR5.OAS encoding");
        };
    }
}
