package org.iommusim.persistence.ids;

import java.util.Optional;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiS12Vmall;

/**
 * The two tags an SMMU's TLB entries carry and software allocates: VMIDs
 * (stage-2 and nested domains) and ASIDs (stage-1 domains of the host, whose
 * entries the model tags VMID 0). Id 0 is never handed out: VMID 0 tags
 * host stage-1 entries and stage-2 bypass, as Linux reserves it; ASID 0 is
 * kept back as Linux's ASID allocator does.
 */
public enum IdKind {
    VMID,
    ASID;

    /** The advertised width: IDR0.VMID16 or IDR0.ASID16. */
    public int bits(SmmuCapabilities caps) {
        return this == VMID ? caps.vmidBits() : caps.asidBits();
    }

    /** The largest id of this kind the SMMU can hold. */
    public int max(SmmuCapabilities caps) {
        return (1 << bits(caps)) - 1;
    }

    /** Why this SMMU has no use for the kind, if it has none: a VMID needs stage 2, an ASID stage 1. */
    public Optional<String> unsupported(SmmuCapabilities caps) {
        if (this == VMID && !caps.stage2()) {
            return Optional.of("VMIDs tag stage-2 translations and this SMMU has no stage 2");
        }
        if (this == ASID && !caps.stage1()) {
            return Optional.of("ASIDs tag stage-1 translations and this SMMU has no stage 1");
        }
        return Optional.empty();
    }

    /**
     * The invalidation that removes every cached entry tagged with {@code id},
     * sent before the id may be reused: TLBI_S12_VMALL for a VMID (Linux's
     * {@code arm_smmu_tlb_inv_vmid}), TLBI_NH_ASID with VMID 0 for a host ASID
     * ({@code arm_smmu_tlb_inv_asid}).
     */
    public TlbiCommand flush(int id) {
        return this == VMID ? new TlbiS12Vmall(id) : new TlbiNhAsid(0, id);
    }
}
