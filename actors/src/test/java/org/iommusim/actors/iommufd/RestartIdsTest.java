package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.actors.api.TranslationDetail;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model stops with a VM still running (its VMM never closed its host),
 * and starts again on the same LevelDB directory: the IOTLB comes back with
 * the dead VM's entries, so its VMID must come back as taken too.
 */
class RestartIdsTest {
    private static final long PA_NEW = NestedRig.PA + 0x100_0000L;

    @Test
    void aNewVmAfterARestartGetsANewVmidAndNeverHitsTheDeadVmsRecoveredEntries(@TempDir Path dir) {
        int deadVmid;
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig dead = new NestedRig(f, 1, 0x10, NestedRig.PA);
            deadVmid = dead.vmid();
            assertEquals(NestedRig.PA, ((Translated) dead.dma(NestedRig.VA)).outputAddress());
        }
        try (HostFixture f = new HostFixture(dir, SmmuCapabilities.defaults(), 1L << 40)) {
            assertEquals(List.of(deadVmid), f.sim.idAllocations(f.smmu).vmidsInUse(), "recovered as in use");
            TranslationDetail old = f.sim.translateDetailed(f.smmu,
                    TranslationRequest.of(0x10, NestedRig.VA, Access.READ));
            assertEquals(TranslationPath.TLB_HIT, old.path(), "the dead VM's entry is back in the IOTLB");
            NestedRig fresh = new NestedRig(f, 1, 0x20, PA_NEW);
            assertNotEquals(deadVmid, fresh.vmid());
            TranslationDetail first = f.sim.translateDetailed(f.smmu,
                    TranslationRequest.of(0x20, NestedRig.VA, Access.READ));
            assertEquals(TranslationPath.TLB_MISS, first.path(), "same guest ASID and VA, another VMID: no hit");
            assertEquals(PA_NEW, ((Translated) first.result()).outputAddress());
            f.host.close();
            assertTrue(f.sim.idAllocations(f.smmu).vmidsInUse().contains(deadVmid),
                    "only its owner (gone) or an explicit IommuSim.releaseVmid gives the dead VM's VMID back");
        }
    }
}
