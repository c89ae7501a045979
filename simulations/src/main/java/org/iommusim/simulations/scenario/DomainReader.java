package org.iommusim.simulations.scenario;

import java.util.Map;
import java.util.Optional;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Granule;

/**
 * Reads one {@code domains[i]} entry. Which tag keys a domain takes depends on its stage (stage 1: asid;
 * stage 2: vmid; nested: asid and parent); a tag key of another stage is an error, not ignored, because
 * it usually means the stage is not the one the author meant.
 */
final class DomainReader {
    private static final Map<DomainStage, String> TAGS =
            Map.of(DomainStage.STAGE1, "asid", DomainStage.STAGE2, "vmid", DomainStage.NESTED, "asid and parent");

    private DomainReader() {}

    static DomainDef read(ConfNode n) {
        int before = n.problems().count();
        Long id = n.integer("id", null, 0, Long.MAX_VALUE);
        Integer smmu = n.int32("smmu", null, 0, Integer.MAX_VALUE);
        DomainStage stage = n.word("stage", DomainStage.class, null);
        Optional<Granule> granule = n.has("granule")
                ? SmmuReader.granule(n, n.keyPath("granule"), n.raw("granule"))
                : Optional.of(Granule.G4K);
        Integer ias = n.int32("ias", 48, 0, Integer.MAX_VALUE);
        Integer oas = n.int32("oas", 48, 0, Integer.MAX_VALUE);
        Integer asid = tag(n, "asid", stage, stage != DomainStage.STAGE2);
        Integer vmid = tag(n, "vmid", stage, stage == DomainStage.STAGE2);
        Long parent = parent(n, stage);
        DriverDef.Invalidation invalidation = n.has("invalidation")
                ? n.word("invalidation", DriverDef.Invalidation.class, null) : null;
        n.finish();
        if (n.problems().count() > before || granule.isEmpty()) {
            return null;
        }
        try {
            DomainSpec spec = new DomainSpec(stage, granule.get(), ias, oas, asid, vmid,
                    parent < 0 ? null : DomainId.of(parent));
            return new DomainDef(DomainId.of(id), smmu, spec, invalidation);
        } catch (IllegalArgumentException e) {
            Refusals.report(n, e);
            return null;
        }
    }

    private static Long parent(ConfNode n, DomainStage stage) {
        if (stage == DomainStage.NESTED) {
            return n.integer("parent", null, 0, Long.MAX_VALUE);
        }
        if (stage != null && n.contains("parent")) {
            return misplaced(n, "parent", stage);
        }
        n.has("parent");
        return -1L;
    }

    /** An ASID or VMID: required when the stage takes it, an error when it does not; -1 means none. */
    private static Integer tag(ConfNode n, String key, DomainStage stage, boolean takes) {
        if (stage == null) {
            n.has(key);
            return -1;
        }
        if (!takes) {
            if (n.contains(key)) {
                misplaced(n, key, stage);
                return null;
            }
            return -1;
        }
        // Range is the DomainSpec's to judge; here only "is it a whole number".
        return n.int32(key, null, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static Long misplaced(ConfNode n, String key, DomainStage stage) {
        n.has(key);
        n.problem(key, "a " + ConfNode.wordOf(stage) + " domain takes " + TAGS.get(stage) + ", not " + key);
        return null;
    }
}
