package org.iommusim.simulations.engine;

import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Prot;

/**
 * One mapping in the run's history: [iova, iova + size) of a domain to pa,
 * from {@code mapAt} to {@code unmapAt}, and the moment {@code releasedAt} the
 * driver considered its invalidation complete (IOVA reusable; no translation
 * may return this mapping afterwards). Times are virtual ns; Long.MAX_VALUE
 * means "not yet". Journal sequence numbers point at the domain's events.
 */
final class MapRecord {
    final DomainId domain;
    final long iova;
    final long size;
    final long pa;
    final Prot prot;
    final long mapAt;
    final long mapSeq;
    long unmapAt = Long.MAX_VALUE;
    long unmapSeq = -1;
    long releasedAt = Long.MAX_VALUE;
    /** How the release was reached, for violation reports (e.g. the TLBIs and the sync's queue index). */
    String releasedBy = "";
    /** Whether the driver's invalidation for this unmap left out the TLBI (an injected fault). */
    boolean tlbiDropped;
    /** The last permitted use of this mapping after its unmap (Long.MIN_VALUE: none): ends its stale window. */
    long lastStaleUseAt = Long.MIN_VALUE;
    /** The last translation that returned this mapping after its unmap (Long.MIN_VALUE: none); keeps it in the history. */
    long lastUsedAt = Long.MIN_VALUE;
    /** The IOVA range the driver allocated for the map call that made it (null: laid out by its caller). */
    IovaAllocator.Allocation allocation;
    /** The CPU whose flush queue and IOVA cache its unmap went to. */
    int unmapCpu;
    /** How many unmap calls that CPU had made when this one was unmapped (1 for the first): "unmaps behind". */
    long unmapOrdinal;
    /** Its place in the history (the order records were added), for newest-first answers. */
    long order;
    /** Whether its unmap was reported to the history ({@link History#unmapped}). */
    boolean closed;
    /** Whether the history has forgotten it (see {@link History}): no translation is judged against it any more. */
    boolean forgotten;
    /** Whether the checker holds its stale window open (a permitted stale use, not yet released). */
    boolean staleOpen;
    /** The device whose unmap call unmapped it (null: the host, or not unmapped). */
    Device owner;
    /** When a CMD_SYNC the driver meant to cover its invalidation completed (Long.MAX_VALUE: none yet), and which. */
    long syncedAt = Long.MAX_VALUE;
    String syncedBy = "";
    /** Whether the cache audit has reported it still cached after its sync (once per mapping). */
    boolean auditReported;

    MapRecord(DomainId domain, long iova, long size, long pa, Prot prot, long mapAt, long mapSeq) {
        this.domain = domain;
        this.iova = iova;
        this.size = size;
        this.pa = pa;
        this.prot = prot;
        this.mapAt = mapAt;
        this.mapSeq = mapSeq;
    }

    boolean covers(long address) {
        return Long.compareUnsigned(address - iova, size) < 0;
    }

    boolean mappedAt(long t) {
        return mapAt <= t && t < unmapAt;
    }

    long translate(long address) {
        return pa + (address - iova);
    }
}
