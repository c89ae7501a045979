package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.event.EventCodec;
import org.iommusim.protocol.event.RawEvent;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.event.TranslationFault;
import org.iommusim.protocol.translate.Faulted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vEVENTQ as iommufd has it (drivers/iommu/iommufd/eventq.c, include/uapi/linux/iommufd.h):
 * a guest device's stage-1 faults arrive with its vSID and a sequence number each; an overflow
 * leaves a LOST_EVENTS header and a sequence gap.
 */
class VeventqTest {
    private static final int BIG = 1 << 20;

    /** DMA to {@code n} guest VAs the guest never mapped: stage-1 translation faults. */
    private static void guestFaults(NestedRig g, int n, long base) {
        for (int i = 0; i < n; i++) {
            assertTrue(g.dma(base + i * 0x1000L) instanceof Faulted);
        }
        g.f.sim.runUntilIdle(); // the records reach the SMMU's queue; the host hears them
    }

    @Test
    void aGuestsStage1FaultsArriveWithItsVsidAndASequenceEach(@TempDir Path dir) {
        try (HostFixture f = HostFixture.deterministic(dir, SmmuCapabilities.defaults())) {
            NestedRig g = new NestedRig(f, 0x21, 0x10, NestedRig.PA);
            int q = f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 8);
            guestFaults(g, 3, 0x2000_0000L);
            List<Vevent> read = f.host.veventqRead(q, BIG);
            assertEquals(3, read.size());
            for (int i = 0; i < 3; i++) {
                Vevent v = read.get(i);
                assertEquals(i, v.sequence());
                assertFalse(v.lostEvents());
                SmmuEvent e = (SmmuEvent) EventCodec.decode(v.record().orElseThrow());
                assertEquals(0x21, e.sid(), "the guest sees its virtual StreamID");
                assertEquals(0x2000_0000L + i * 0x1000L, ((TranslationFault) e).iova());
            }
            // the physical record keeps the physical StreamID
            assertEquals(0x10, f.sim.readEvents(f.smmu, 1).get(0).sid());
            // read() bytes: an 8-byte header {flags, sequence} then the 32-byte record
            byte[] bytes = read.get(1).toBytes();
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(40, bytes.length);
            assertEquals(0, b.getInt());
            assertEquals(1, b.getInt());
            assertEquals(read.get(1).record().orElseThrow(), RawEvent.fromBytes(bytes, 8));
            assertEquals(List.of(), f.host.veventqRead(q, BIG), "reading removed them");
        }
    }

    @Test
    void anOverflowLeavesALostEventsHeaderAndTheSequenceShowsTheGap(@TempDir Path dir) {
        try (HostFixture f = HostFixture.deterministic(dir, SmmuCapabilities.defaults())) {
            NestedRig g = new NestedRig(f);
            int q = f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 2);
            guestFaults(g, 5, 0x2000_0000L); // 2 queued, 3 lost
            List<Vevent> read = f.host.veventqRead(q, BIG);
            assertEquals(3, read.size(), read.toString());
            assertEquals(0, read.get(0).sequence());
            assertEquals(1, read.get(1).sequence());
            Vevent lost = read.get(2);
            assertTrue(lost.lostEvents());
            assertTrue(lost.record().isEmpty(), "no data follows a LOST_EVENTS header");
            assertEquals(4, lost.sequence(), "the header moved to the tail with each loss");
            assertEquals(8, lost.toBytes().length);
            // after the reader drained it, the next vEVENT's sequence shows three lost since #1
            guestFaults(g, 1, 0x3000_0000L);
            List<Vevent> next = f.host.veventqRead(q, BIG);
            assertEquals(1, next.size());
            assertEquals(5, next.get(0).sequence());
            assertEquals(3, next.get(0).sequence() - read.get(1).sequence() - 1, "delta - 1 vEVENTs lost");
        }
    }

    @Test
    void aNewVeventReplacesATrailingLostEventsHeader(@TempDir Path dir) {
        try (HostFixture f = HostFixture.deterministic(dir, SmmuCapabilities.defaults())) {
            NestedRig g = new NestedRig(f);
            int q = f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 2);
            guestFaults(g, 3, 0x2000_0000L); // #0, #1 queued; #2 lost: header {seq 2} at the tail
            assertEquals(1, f.host.veventqRead(q, 40).size(), "40 bytes: one vEVENT");
            guestFaults(g, 1, 0x3000_0000L); // room again: #3 replaces the trailing header
            List<Vevent> rest = f.host.veventqRead(q, BIG);
            assertEquals(List.of(1, 3), rest.stream().map(Vevent::sequence).toList());
            assertFalse(rest.stream().anyMatch(Vevent::lostEvents), "the gap 1 -> 3 says one was lost");
        }
    }

    @Test
    void stage2FaultsStayWithTheHost(@TempDir Path dir) {
        try (HostFixture f = HostFixture.deterministic(dir, SmmuCapabilities.defaults())) {
            NestedRig g = new NestedRig(f);
            int q = f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 8);
            f.host.ioasUnmap(g.ioas, NestedRig.IPA, 0x10000); // the guest's RAM is gone at stage 2
            assertTrue(g.dma(NestedRig.VA) instanceof Faulted);
            f.sim.runUntilIdle();
            assertEquals(1, f.sim.readEvents(f.smmu, 16).size(), "the SMMU recorded the stage-2 fault");
            assertEquals(List.of(), f.host.veventqRead(q, BIG), "arm_smmu_handle_event: !event->s2 only");
        }
    }

    @Test
    void allocationErrorsAreTheKernels(@TempDir Path dir) {
        try (HostFixture f = HostFixture.deterministic(dir, SmmuCapabilities.defaults())) {
            NestedRig g = new NestedRig(f);
            // iommufd_veventq_alloc: type DEFAULT -> EOPNOTSUPP; depth 0 -> EINVAL; no vIOMMU -> ENOENT; twice -> EEXIST
            Errnos.expect(Errno.EOPNOTSUPP, () -> f.host.veventqAlloc(g.viommu, Veventq.TYPE_DEFAULT, 8));
            Errnos.expect(Errno.EINVAL, () -> f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 0));
            Errnos.expect(Errno.ENOENT, () -> f.host.veventqAlloc(g.s2, Veventq.TYPE_ARM_SMMUV3, 8));
            int q = f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 8);
            Errnos.expect(Errno.EEXIST, () -> f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 8));
            Errnos.expect(Errno.ENOENT, () -> f.host.veventqRead(g.viommu, BIG));
            // the vEVENTQ holds its vIOMMU
            f.host.detach(g.psid);
            f.host.destroy(g.nested);
            f.host.destroy(g.vdevice);
            Errnos.expect(Errno.EBUSY, () -> f.host.destroy(g.viommu));
            f.host.destroy(q);
            f.host.destroy(g.viommu);
        }
    }
}
