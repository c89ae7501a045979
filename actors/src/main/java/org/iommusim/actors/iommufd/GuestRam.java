package org.iommusim.actors.iommufd;

import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;

/**
 * What a guest behind a vIOMMU writes into its own memory, which the SMMU
 * then reads through stage 2: its stage-1 page tables and its CD tables. A
 * VMM model uses this to play the guest's part; the host never sees these
 * writes, exactly as on hardware, so the guest must send CFGI_CD and TLBI
 * commands (through {@link IommufdHost#invalidate}) for them to take effect.
 *
 * <p>In the model a guest stage-1 table is a nested domain whose parent is the
 * vIOMMU's stage-2 domain, and the CD table is the physical stream's CD
 * memory; a CD names the guest table by its domain ID.
 */
public final class GuestRam {
    private final IommufdHost host;
    private final int viommu;

    GuestRam(IommufdHost host, int viommu) {
        this.host = host;
        this.viommu = viommu;
    }

    /** A new, empty guest stage-1 table tagged with the guest's {@code asid}. */
    public DomainId newStage1Table(int asid) {
        return host.guestTable(viommu, asid);
    }

    /** The guest maps {@code size} bytes of its VA space at {@code va} to its IPA {@code ipa}. */
    public void map(DomainId table, long va, long ipa, long size, Prot prot) {
        IommufdHost.call(() -> host.model().map(table, MapBatch.single(va, ipa, size, prot)));
    }

    /** The guest unmaps: cached translations stay until the guest sends a TLBI. */
    public void unmap(DomainId table, long va, long size) {
        IommufdHost.call(() -> host.model().unmap(table, UnmapBatch.single(va, size)));
    }

    /**
     * The guest writes the CD of SubstreamID {@code ssid} for its device with
     * virtual StreamID {@code vsid}: effective after the guest's CFGI_CD.
     */
    public void writeCd(int vsid, int ssid, int asid, DomainId table) {
        int psid = host.psidOf(viommu, vsid);
        IommufdHost.call(() -> host.model().writeCd(host.smmu(), psid, ssid, Cd.of(asid, table)));
    }
}
