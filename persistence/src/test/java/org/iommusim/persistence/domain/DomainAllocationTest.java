package org.iommusim.persistence.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Optional;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;

/** Each allocation refusal, named and explained; the actor-level test covers the parent lookup. */
class DomainAllocationTest {
    private static final SmmuCapabilities BOTH = SmmuCapabilities.defaults();
    private static final DomainSpec S2 = DomainSpec.stage2(Granule.G4K, 44, 48, 3);
    private static final DomainSpec NESTED = DomainSpec.nested(DomainId.of(1), Granule.G4K, 48, 44, 7);

    private static void refused(DomainSpec spec, SmmuCapabilities caps, Optional<DomainSpec> parent,
            DomainError.Kind kind, String text) {
        DomainError e = DomainAllocation.check(spec, caps, parent).orElseThrow();
        assertEquals(kind, e.kind());
        assertTrue(e.message().contains(text), e.message());
    }

    @Test
    void acceptsWhatTheSmmuCanHost() {
        assertTrue(DomainAllocation.check(S2, BOTH, Optional.empty()).isEmpty());
        assertTrue(DomainAllocation.check(NESTED, BOTH, Optional.of(S2)).isEmpty());
        assertTrue(DomainAllocation.check(DomainSpec.stage1(Granule.G64K, 52, 48, 1), BOTH, Optional.empty()).isEmpty());
    }

    @Test
    void stagesTheSmmuLacks() {
        refused(DomainSpec.stage1(Granule.G4K, 48, 48, 1), BOTH.toBuilder().stage1(false).build(), Optional.empty(),
                DomainError.Kind.STAGE_UNSUPPORTED, "no stage 1 (IDR0.S1P=0)");
        refused(S2, BOTH.toBuilder().stage2(false).build(), Optional.empty(), DomainError.Kind.STAGE_UNSUPPORTED,
                "no stage 2 (IDR0.S2P=0)");
        refused(NESTED, BOTH.toBuilder().stage1(false).build(), Optional.of(S2), DomainError.Kind.NESTING_UNSUPPORTED,
                "nesting needs both stages; this SMMU has only stage 2");
    }

    @Test
    void parentRules() {
        refused(NESTED, BOTH, Optional.empty(), DomainError.Kind.PARENT_UNKNOWN, "domain-1 does not exist");
        refused(NESTED, BOTH, Optional.of(DomainSpec.stage1(Granule.G4K, 48, 48, 2)), DomainError.Kind.PARENT_NOT_STAGE2,
                "must be stage 2");
        refused(NESTED, BOTH, Optional.of(NESTED), DomainError.Kind.NESTED_ON_NESTED, "nested-on-nested");
        refused(DomainSpec.nested(DomainId.of(1), Granule.G4K, 48, 48, 7), BOTH, Optional.of(S2),
                DomainError.Kind.ADDRESS_SIZE_UNSUPPORTED, "exceeds the parent's input size 44 bits");
    }

    @Test
    void sizesGranulesAndTags() {
        refused(DomainSpec.stage1(Granule.G16K, 48, 48, 1), BOTH.toBuilder().granules(EnumSet.of(Granule.G4K)).build(),
                Optional.empty(), DomainError.Kind.GRANULE_UNSUPPORTED, "granule 16K is not supported");
        refused(DomainSpec.stage1(Granule.G4K, 48, 52, 1), BOTH, Optional.empty(),
                DomainError.Kind.ADDRESS_SIZE_UNSUPPORTED, "oas 52 bits exceeds the SMMU's OAS of 48 bits");
        refused(DomainSpec.stage2(Granule.G4K, 52, 48, 1), BOTH.toBuilder().oas(52).build(), Optional.empty(),
                DomainError.Kind.ADDRESS_SIZE_UNSUPPORTED, "needs 5 table levels");
        refused(DomainSpec.stage1(Granule.G4K, 48, 48, 0x100), BOTH.toBuilder().asidBits(8).build(), Optional.empty(),
                DomainError.Kind.TAG_OUT_OF_RANGE, "asid 0x100 exceeds the SMMU's 8-bit ASIDs");
        refused(DomainSpec.stage2(Granule.G4K, 40, 48, 0x100), BOTH.toBuilder().vmidBits(8).build(), Optional.empty(),
                DomainError.Kind.TAG_OUT_OF_RANGE, "vmid 0x100 exceeds the SMMU's 8-bit VMIDs");
    }
}
