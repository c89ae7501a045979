package org.iommusim.persistence.domain;

import java.util.Optional;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;

/**
 * Whether an SMMU can host a domain spec: the one place allocation rules
 * live. A request for something the SMMU does not advertise is refused with
 * the reason, never accepted as a silent no-op (reference §6).
 */
public final class DomainAllocation {
    private DomainAllocation() {}

    /**
     * @param parent the parent's spec for a nested spec, empty when the parent
     *               is unknown (or for non-nested specs)
     */
    public static Optional<DomainError> check(DomainSpec spec, SmmuCapabilities caps, Optional<DomainSpec> parent) {
        switch (spec.stage()) {
            case STAGE1 -> {
                if (!caps.stage1()) {
                    return fail(DomainError.Kind.STAGE_UNSUPPORTED, "this SMMU has no stage 1 (IDR0.S1P=0)");
                }
            }
            case STAGE2 -> {
                if (!caps.stage2()) {
                    return fail(DomainError.Kind.STAGE_UNSUPPORTED, "this SMMU has no stage 2 (IDR0.S2P=0)");
                }
            }
            case NESTED -> {
                if (!caps.supportsNesting()) {
                    return fail(DomainError.Kind.NESTING_UNSUPPORTED, "nesting needs both stages; this SMMU has only "
                            + (caps.stage1() ? "stage 1" : "stage 2"));
                }
                if (parent.isEmpty()) {
                    return fail(DomainError.Kind.PARENT_UNKNOWN, "parent " + spec.parent() + " does not exist");
                }
                DomainSpec p = parent.get();
                if (p.stage() == DomainStage.NESTED) {
                    return fail(DomainError.Kind.NESTED_ON_NESTED,
                            "nested-on-nested: parent " + spec.parent() + " is itself a nested domain");
                }
                if (p.stage() != DomainStage.STAGE2) {
                    return fail(DomainError.Kind.PARENT_NOT_STAGE2, "parent " + spec.parent() + " is a "
                            + p.stage() + " domain; a nested domain's parent must be stage 2");
                }
                if (spec.oas() > p.ias()) {
                    return fail(DomainError.Kind.ADDRESS_SIZE_UNSUPPORTED, "stage-1 output (IPA) size " + spec.oas()
                            + " bits exceeds the parent's input size " + p.ias() + " bits");
                }
            }
        }
        if (!caps.granules().contains(spec.granule())) {
            return fail(DomainError.Kind.GRANULE_UNSUPPORTED, "granule " + spec.granule().label()
                    + " is not supported by this SMMU (IDR5 advertises " + caps.granules() + ")");
        }
        if (spec.granule().startLevel(spec.ias()) < 0) {
            // 4K granule above 48 bits: a fifth level (FEAT_LPA2). The reference's SMMUs walk at most 4 levels.
            return fail(DomainError.Kind.ADDRESS_SIZE_UNSUPPORTED, "ias " + spec.ias() + " bits with a "
                    + spec.granule().label() + " granule needs 5 table levels; this SMMU walks at most 4");
        }
        if (spec.oas() > caps.oas()) {
            return fail(DomainError.Kind.ADDRESS_SIZE_UNSUPPORTED, "oas " + spec.oas()
                    + " bits exceeds the SMMU's OAS of " + caps.oas() + " bits");
        }
        if (spec.stage() == DomainStage.STAGE2 && spec.ias() > caps.oas()) {
            return fail(DomainError.Kind.ADDRESS_SIZE_UNSUPPORTED, "stage-2 input (IPA) size " + spec.ias()
                    + " bits exceeds the SMMU's OAS of " + caps.oas() + " bits");
        }
        if (spec.asid() >= 0 && !caps.asidInRange(spec.asid())) {
            return fail(DomainError.Kind.TAG_OUT_OF_RANGE, "asid 0x" + Integer.toHexString(spec.asid())
                    + " exceeds the SMMU's " + caps.asidBits() + "-bit ASIDs");
        }
        if (spec.vmid() >= 0 && !caps.vmidInRange(spec.vmid())) {
            return fail(DomainError.Kind.TAG_OUT_OF_RANGE, "vmid 0x" + Integer.toHexString(spec.vmid())
                    + " exceeds the SMMU's " + caps.vmidBits() + "-bit VMIDs");
        }
        return Optional.empty();
    }

    private static Optional<DomainError> fail(DomainError.Kind kind, String message) {
        return Optional.of(DomainError.of(kind, message));
    }
}
