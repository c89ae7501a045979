package org.iommusim.persistence.translate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iommusim.persistence.config.ConfigSource;
import org.iommusim.persistence.config.GuestCd;
import org.iommusim.persistence.config.GuestCdFetch;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.event.CBadCd;
import org.iommusim.protocol.event.CBadSte;
import org.iommusim.protocol.event.FCdFetch;
import org.iommusim.protocol.event.Origin;
import org.iommusim.protocol.memory.GuestMemory;

/**
 * The stage-1 context of a nested stream whose CD table is in guest memory ({@code Ste.guestCds}): the CD at
 * STE.S1ContextPtr + 64 * index, through the configuration cache ({@link ConfigSource#guestCd}: a hit, or a fetch
 * through stage 2), decoded ({@link GuestCd#decode}); its stage-1 tables are the guest's, walked in the same
 * memory at CD.TTB0. A stage-2 refusal of the fetch is a {@link StreamContext.CdFetchFault} (S2=1, CLASS=CD, the
 * IPA); a read the memory refuses is F_CD_FETCH with the CD's physical address; a CD with V=0 or one this SMMU
 * cannot take (ILLEGAL) is C_BAD_CD. Where the configuration cache cannot fetch a guest's CD (the SMMU's unbounded
 * cache, which holds only what CFGIs loaded from the stream's own CD table) the STE is C_BAD_STE.
 */
final class GuestCdResolution {
    private GuestCdResolution() {}

    // the geometry of a guest's CD as an empty nested table, shared: keyed by the geometry alone (granule, input
    // and output sizes: at most 3 x 24 x 7 keys), so the map is bounded whatever the domains and guests do
    private static final Map<GuestCd.Geometry, PageTable> GEOMETRY = new ConcurrentHashMap<>();

    static StreamContext resolve(Origin origin, int index, Ste ste, int vmid, PageTable s2, SmmuCapabilities caps,
            ConfigSource config, GuestMemory guest) {
        long ipa = ste.s1ContextPtr() + 64L * index;
        GuestCdFetch f = config.guestCd(index, ipa, s2, caps.httu() && ste.s2ha(), guest, caps);
        if (f instanceof GuestCdFetch.Stage2Fault s) {
            return new StreamContext.CdFetchFault(s.ipa(), s.fault(), ste.s2r());
        }
        if (f instanceof GuestCdFetch.Abort a) {
            return new StreamContext.ConfigFault(new FCdFetch(origin, a.pa()));
        }
        if (f == null) {
            // an SMMU whose configuration cache cannot fetch a guest's CD cannot use this STE, as it cannot use
            // one naming a stage it lacks
            return new StreamContext.ConfigFault(new CBadSte(origin));
        }
        if (!(f instanceof GuestCdFetch.Fetched got) || !(got.cd().decode(caps) instanceof GuestCd.Usable u)) {
            return new StreamContext.ConfigFault(new CBadCd(origin));
        }
        GuestCd.Decoded cd = u.cd();
        PageTable s1 = GEOMETRY.computeIfAbsent(cd.geometry(), g -> PageTable.empty(GuestCd.spec(g)));
        return new StreamContext.Translate(IotlbEntry.Kind.NESTED, vmid, cd.asid(), s1, s2, caps.ias(),
                new StreamContext.FaultControls(cd.r(), ste.s2r(), caps.httu() && cd.ha(), caps.httu() && ste.s2ha()),
                new StreamContext.Fetches(-1, cd.ttb0(), guest, cd.epd0()));
    }
}
