package org.iommusim.actors.iommufd;

import static org.iommusim.actors.iommufd.Errnos.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.actors.api.SmmuStatistics;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNsnhAll;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guest invalidations through a vIOMMU: filtering, VMID forcing, vSID translation, partial failures. */
class GuestInvalidationTest {

    @Test
    void invalidatingANonNestedDomainIsRefused(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            List<RawCommand> one = List.of(new TlbiNhAll(0).encode());
            expect(Errno.EINVAL, () -> f.host.invalidate(g.s2, one));
            expect(Errno.EINVAL, () -> f.host.invalidate(f.host.hwptAlloc(g.ioas), one));
            expect(Errno.EOPNOTSUPP, () -> f.host.invalidate(g.nested, one));
            expect(Errno.EINVAL, () -> f.host.invalidate(g.viommu, new byte[17], 0), "entry_len 0");
            expect(Errno.ENOENT, () -> f.host.invalidate(4242, one));
        }
    }

    @Test
    void aPartialFailureReportsTheEntriesHandledBeforeIt(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            List<RawCommand> entries = List.of(new TlbiNhAsid(0, NestedRig.ASID).encode(),
                    TlbiNhVa.of(0, NestedRig.ASID, NestedRig.VA, true).encode(), new TlbiNhAll(0).encode(),
                    new CfgiSte(g.vsid, false).encode(), new TlbiNhAll(0).encode());
            InvalidationResult r = f.host.invalidate(g.viommu, entries);
            assertEquals(3, r.entriesHandled());
            EntryError e = r.error().orElseThrow();
            assertEquals(3, e.index());
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.reason().contains("CFGI_STE"), e.reason());
            SmmuStatistics s = f.sim.statistics(f.smmu);
            assertEquals(1L, s.invalidationsByCommand().get(CommandOpcode.TLBI_NH_ASID), "handled entries took effect");
            assertEquals(1L, s.invalidationsByCommand().get(CommandOpcode.TLBI_NH_ALL), "nothing after the failure");

            InvalidationResult sync = f.host.invalidate(g.viommu, List.of(new TlbiNhAll(0).encode(),
                    new TlbiNhAll(0).encode(), new TlbiNhAll(0).encode(), CmdSync.poll().encode()));
            assertEquals(3, sync.entriesHandled());
            assertEquals(3, sync.error().orElseThrow().index(), "a guest may not send CMD_SYNC itself");
            assertEquals(0, f.host.invalidate(g.viommu, List.of(new RawCommand(0xFF, 0))).entriesHandled());
        }
    }

    @Test
    void aGuestTlbiWithAWrongVmidHitsTheViommusVmid(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            assertEquals(NestedRig.PA, ((Translated) g.dma(NestedRig.VA)).outputAddress());
            g.ram.unmap(g.guestTable, NestedRig.VA, 0x1000);
            assertInstanceOf(Translated.class, g.dma(NestedRig.VA), "no TLBI yet: the IOTLB still holds it");
            int wrongVmid = g.vmid() + 0x70;
            InvalidationResult r = f.host.invalidate(g.viommu,
                    List.of(TlbiNhVa.of(wrongVmid, NestedRig.ASID, NestedRig.VA, true).encode()));
            assertTrue(r.ok());
            assertInstanceOf(Faulted.class, g.dma(NestedRig.VA), "the TLBI was forced to VMID " + g.vmid());
        }
    }

    @Test
    void nsnhAllBecomesNhAllOfTheGuestsVmidOnly(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig a = new NestedRig(f, 1, 0x10, NestedRig.PA);
            NestedRig b = new NestedRig(f, 1, 0x11, NestedRig.PA + 0x10_0000);
            assertTrue(a.vmid() != b.vmid());
            assertInstanceOf(Translated.class, a.dma(NestedRig.VA));
            assertInstanceOf(Translated.class, b.dma(NestedRig.VA));
            a.ram.unmap(a.guestTable, NestedRig.VA, 0x1000);
            b.ram.unmap(b.guestTable, NestedRig.VA, 0x1000);
            assertTrue(f.host.invalidate(a.viommu, List.of(new TlbiNsnhAll().encode())).ok());
            assertInstanceOf(Faulted.class, a.dma(NestedRig.VA), "guest A's entries went");
            assertEquals(NestedRig.PA + 0x10_0000, ((Translated) b.dma(NestedRig.VA)).outputAddress(),
                    "guest B's stale entry is untouched: NSNH_ALL did not reach the whole IOTLB");
            SmmuStatistics s = f.sim.statistics(f.smmu);
            assertEquals(1L, s.invalidationsByCommand().get(CommandOpcode.TLBI_NH_ALL));
            assertNull(s.invalidationsByCommand().get(CommandOpcode.TLBI_NSNH_ALL), "never reached the SMMU");
        }
    }

    @Test
    void cfgiCdNamesTheVirtualStreamIdAndLoadsThePhysicalOne(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f, 5, 0x20, NestedRig.PA);
            var second = g.ram.newStage1Table(9);
            g.ram.writeCd(5, 0, 9, second);
            assertEquals(Cd.of(NestedRig.ASID, g.guestTable), ModelInternals.smmuState(f.sim, f.smmu).config().effective(0x20).cds().get(0),
                    "a CD write is memory only until CFGI_CD");
            assertTrue(f.host.invalidate(g.viommu, List.of(new CfgiCd(5, 0, true).encode())).ok());
            assertEquals(Cd.of(9, second), ModelInternals.smmuState(f.sim, f.smmu).config().effective(0x20).cds().get(0));
            assertFalse(ModelInternals.smmuState(f.sim, f.smmu).config().streams().containsKey(5), "nothing was loaded for SID 5");
            InvalidationResult unknown = f.host.invalidate(g.viommu, List.of(new CfgiCd(6, 0, true).encode()));
            assertEquals(0, unknown.entriesHandled());
            assertEquals(Errno.EIO, unknown.error().orElseThrow().errno());
        }
    }
}
