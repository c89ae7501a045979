package org.iommusim.actors.iommufd;

import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * One guest behind one vIOMMU with one device: guest RAM at IPA
 * {@link #IPA} backed by host PA {@link #PA}; the guest maps VA {@link #VA}
 * to that IPA under ASID {@link #ASID}.
 */
final class NestedRig {
    static final long IPA = 0x4000_0000L;
    static final long PA = 0x8_0000_0000L;
    static final long VA = 0x1000_0000L;
    static final int ASID = 7;

    final HostFixture f;
    final IommufdHost host;
    final int ioas;
    final int s2;
    final int viommu;
    final int vsid;
    final int psid;
    final int vdevice;
    final int nested;
    final GuestRam ram;
    final DomainId guestTable;

    NestedRig(HostFixture f, int vsid, int psid, long pa) {
        this(f, f.host, vsid, psid, pa);
    }

    /** A guest of {@code host}, one of several VMMs on the fixture's SMMU. */
    NestedRig(HostFixture f, IommufdHost host, int vsid, int psid, long pa) {
        this.f = f;
        this.host = host;
        this.vsid = vsid;
        this.psid = psid;
        IommufdHost h = host;
        ioas = h.ioasAlloc();
        h.ioasMap(ioas, IPA, pa, 0x10000, Prot.rw());
        s2 = h.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null);
        viommu = h.viommuAlloc(s2);
        vdevice = h.vdeviceAlloc(viommu, vsid, psid);
        nested = h.hwptAlloc(viommu, 0, GuestSte.stage1(0x4001_0000L, 0, S1Dss.SSID0).toHwptData());
        ram = h.guestRam(viommu);
        guestTable = ram.newStage1Table(ASID);
        ram.map(guestTable, VA, IPA, 0x1000, Prot.rw());
        ram.writeCd(vsid, 0, ASID, guestTable);
        h.attach(psid, nested);
    }

    NestedRig(HostFixture f) {
        this(f, 1, 0x10, PA);
    }

    TranslationResult dma(long va) {
        return f.sim.translate(f.smmu, TranslationRequest.of(psid, va, Access.READ));
    }

    /** The VMM tears its VM down, users before what they use: every destroy succeeds. */
    void tearDown() {
        host.detach(psid);
        for (int id : new int[] {nested, vdevice, viommu, s2, ioas}) {
            host.destroy(id);
        }
    }

    int vmid() {
        return ((Viommu) host.object(viommu).orElseThrow()).vmid();
    }
}
