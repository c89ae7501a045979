package org.iommusim.actors.iommufd;

import static org.iommusim.actors.iommufd.Errnos.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VfioType1Test {

    @Test
    void theRetiredType1NestingModeIsRefusedNotAcceptedAsType1(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            VfioContainer c = f.host.vfioContainer();
            assertEquals(0, c.checkExtension(VfioContainer.TYPE1_NESTING_IOMMU));
            expect(Errno.EINVAL, () -> c.setIommu(VfioContainer.TYPE1_NESTING_IOMMU));
            expect(Errno.EINVAL, () -> c.mapDma(0x1000, 0x8000_0000L, 0x1000, VfioContainer.MAP_FLAG_READ),
                    "the refused container stays unset");
            assertEquals(1, c.checkExtension(VfioContainer.TYPE1V2_IOMMU));
            c.setIommu(VfioContainer.TYPE1V2_IOMMU);
            c.mapDma(0x1000, 0x8000_0000L, 0x2000, VfioContainer.MAP_FLAG_READ | VfioContainer.MAP_FLAG_WRITE);
            f.host.attach(0x30, c.ioas());
            TranslationRequest dma = TranslationRequest.of(0x30, 0x1010, Access.WRITE);
            assertEquals(0x8000_0010L, ((Translated) f.sim.translate(f.smmu, dma)).outputAddress());
            expect(Errno.EEXIST, () -> c.mapDma(0x2000, 0x9000_0000L, 0x1000, VfioContainer.MAP_FLAG_READ));
            assertEquals(0x2000, c.unmapDma(0, 0, VfioContainer.UNMAP_FLAG_ALL));
            assertInstanceOf(Faulted.class, f.sim.translate(f.smmu, dma), "the unmap invalidated the IOTLB");
        }
    }

    @Test
    void containersOfTwoVmmsOnOneSmmuNeverShareAnAsid(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            VfioContainer a = f.host.vfioContainer();
            IommufdHost vmmB = IommufdHost.open(f.sim, f.smmu, 1L << 40);
            VfioContainer b = vmmB.vfioContainer();
            a.setIommu(VfioContainer.TYPE1V2_IOMMU);
            b.setIommu(VfioContainer.TYPE1V2_IOMMU);
            int rw = VfioContainer.MAP_FLAG_READ | VfioContainer.MAP_FLAG_WRITE;
            a.mapDma(0x1000, 0x8000_0000L, 0x1000, rw);
            b.mapDma(0x1000, 0x9000_0000L, 0x1000, rw);
            f.host.attach(0x30, a.ioas());
            vmmB.attach(0x31, b.ioas());
            TranslationRequest fromA = TranslationRequest.of(0x30, 0x1010, Access.READ);
            TranslationRequest fromB = TranslationRequest.of(0x31, 0x1010, Access.READ);
            assertEquals(0x8000_0010L, ((Translated) f.sim.translate(f.smmu, fromA)).outputAddress());
            assertEquals(0x9000_0010L, ((Translated) f.sim.translate(f.smmu, fromB)).outputAddress(),
                    "the second VMM's device reaches its own memory, not the first one's cached page");
        }
    }
}
