package org.iommusim.simulations.engine;

import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Prot;

/** What the driver does to a history's records, by hand: map, unmap, release, skip a sync. */
final class Mappings {
    private Mappings() {}

    static MapRecord map(History h, DomainId d, long iova, long size, long pa, long t) {
        MapRecord r = new MapRecord(d, iova, size, pa, Prot.rw(), t, 1);
        h.add(r);
        return r;
    }

    static void unmap(MapRecord r, long t) {
        r.unmapAt = t;
        r.unmapSeq = 2;
    }

    static void release(MapRecord r, long t) {
        r.releasedBy = "TLBI_NH_VA, CMD_SYNC at smmu-0 queue entry 1";
        r.releasedAt = t;
    }

    /** Released without a completed flush, as the driver does when an injected fault skips the CMD_SYNC. */
    static void skipSync(MapRecord r) {
        r.releasedBy = "TLBI_NH_VA, CMD_SYNC skipped";
    }
}
