package org.iommusim.protocol.domain;

import java.util.Optional;
import java.util.Set;

/**
 * What a domain is asked to be when it is allocated: its stage, granule,
 * input and output address sizes, and the TLB tag it translates under.
 *
 * <p>A stage-1 (or nested) domain carries the ASID its context descriptor
 * uses; a stage-2 domain carries the VMID its STE uses. A nested domain names
 * its stage-2 parent, whose VMID it inherits. Whether an SMMU can host the spec
 * is checked at allocation, against that SMMU's capabilities.
 *
 * @param ias    input address size in bits (VA for stage 1, IPA for stage 2)
 * @param oas    output address size in bits
 * @param asid   the ASID for stage 1 and nested; -1 for stage 2
 * @param vmid   the VMID for stage 2; -1 for stage 1 and nested (inherited)
 * @param parent the stage-2 parent of a nested domain, otherwise null
 */
public record DomainSpec(DomainStage stage, Granule granule, int ias, int oas, int asid, int vmid, DomainId parent) {

    /** Output sizes an SMMUv3 can advertise (IDR5.OAS). */
    public static final Set<Integer> OUTPUT_SIZES = Set.of(32, 36, 40, 42, 44, 48, 52);

    /**
     * Checks the spec.
     * @throws IllegalArgumentException if {@code stage} or {@code granule} is null; {@code ias} is outside 25..52;
     *        {@code oas} is not in {@link #OUTPUT_SIZES}; a stage-1 or nested spec has an ASID outside 0..65535 or
     *        a VMID other than -1; a stage-2 spec has a VMID outside 0..65535 or an ASID other than -1; or a
     *        parent is given for anything but a nested spec, or missing for one
     */
    public DomainSpec {
        if (stage == null || granule == null) {
            throw new IllegalArgumentException("a domain needs a stage and a granule");
        }
        if (ias < 25 || ias > 52) {
            throw new IllegalArgumentException("ias=" + ias + " is outside 25..52 bits");
        }
        if (!OUTPUT_SIZES.contains(oas)) {
            throw new IllegalArgumentException("oas=" + oas + " is not one of " + OUTPUT_SIZES);
        }
        switch (stage) {
            case STAGE1, NESTED -> {
                requireTag("asid", asid);
                if (vmid != -1) {
                    throw new IllegalArgumentException(stage + " domain takes its VMID from the STE or its parent, not vmid=" + vmid);
                }
            }
            case STAGE2 -> {
                requireTag("vmid", vmid);
                if (asid != -1) {
                    throw new IllegalArgumentException("a stage-2 domain has no ASID, got asid=" + asid);
                }
            }
        }
        if ((stage == DomainStage.NESTED) != (parent != null)) {
            throw new IllegalArgumentException(stage == DomainStage.NESTED
                    ? "a nested domain needs a stage-2 parent"
                    : "only a nested domain has a parent");
        }
    }

    private static void requireTag(String name, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(name + "=" + value + " is outside 0..65535");
        }
    }

    /**
     * A stage-1 domain tagged with {@code asid}.
     * @return the spec
     * @throws IllegalArgumentException as the constructor
     */
    public static DomainSpec stage1(Granule granule, int ias, int oas, int asid) {
        return new DomainSpec(DomainStage.STAGE1, granule, ias, oas, asid, -1, null);
    }

    /**
     * A stage-2 domain tagged with {@code vmid}.
     * @return the spec
     * @throws IllegalArgumentException as the constructor
     */
    public static DomainSpec stage2(Granule granule, int ias, int oas, int vmid) {
        return new DomainSpec(DomainStage.STAGE2, granule, ias, oas, -1, vmid, null);
    }

    /**
     * A nested domain: a stage-1 table tagged with {@code asid} over the stage-2 domain {@code parent}, whose VMID
     * it uses.
     * @return the spec
     * @throws IllegalArgumentException as the constructor (also if {@code parent} is null)
     */
    public static DomainSpec nested(DomainId parent, Granule granule, int ias, int oas, int asid) {
        return new DomainSpec(DomainStage.NESTED, granule, ias, oas, asid, -1, parent);
    }

    /**
     * The stage-2 parent.
     * @return it for a nested domain, empty otherwise
     */
    public Optional<DomainId> parentDomain() {
        return Optional.ofNullable(parent);
    }

    /** The page-table format this domain's own table uses: nested tables are stage-1 tables. */
    public DomainStage tableFormat() {
        return stage == DomainStage.STAGE2 ? DomainStage.STAGE2 : DomainStage.STAGE1;
    }
}
