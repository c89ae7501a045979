package org.iommusim.simulations.engine;

import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.command.RangeTarget;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;

/**
 * A domain as the driver sees it: where it lives, its IOVA allocator, and
 * how to invalidate it (NH_* with its ASID for stage-1 and nested tables,
 * S2_IPA / S12_VMALL with its VMID for stage 2). Stage-1-only streams use
 * VMID 0; a nested domain uses its parent's VMID.
 */
final class DomainCtx {
    final DomainId id;
    final DomainSpec spec;
    Smmu smmu;
    final int vmid;
    final IovaAllocator iovas;
    /** How the driver invalidates this domain's unmaps (the driver's way unless the scenario says). */
    org.iommusim.simulations.scenario.DriverDef.Invalidation invalidation;

    DomainCtx(DomainId id, DomainSpec spec, Smmu smmu, int vmid) {
        this.id = id;
        this.spec = spec;
        this.smmu = smmu;
        this.vmid = vmid;
        this.iovas = new IovaAllocator(0x1_0000_0000L & ((1L << Math.min(spec.ias(), 62)) - 1) | 0x10_0000L,
                1L << Math.min(spec.ias(), 62), spec.granule().pageSize());
    }

    RangeTarget target() {
        return spec.stage() == DomainStage.STAGE2 ? RangeTarget.stage2(vmid) : RangeTarget.stage1(vmid, spec.asid());
    }
}
