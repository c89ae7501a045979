package org.iommusim.actors.api;

import org.iommusim.persistence.iotlb.IotlbEntry;

/**
 * One translation a TBU's TLB holds now, as an audit reads it: the tags an
 * invalidation selects it by and what it translates. For checkers and tools
 * that must know what the caches can still translate, whether or not a
 * device ever uses it again. Its answers are the TLB entry's own
 * ({@code covers}, {@code translate}): nothing here re-states the rule.
 * Immutable, safe to share between threads.
 */
public final class CachedTranslation {
    private final String smmu;
    private final int tbu;
    private final IotlbEntry entry;

    CachedTranslation(String smmu, int tbu, IotlbEntry entry) {
        this.smmu = smmu;
        this.tbu = tbu;
        this.entry = entry;
    }

    /** The SMMU's id ({@code smmu-<n>}). */
    public String smmu() {
        return smmu;
    }

    /** The TBU's index in its SMMU. */
    public int tbu() {
        return tbu;
    }

    /** Which streams' lookups can find an entry: the translation regime it was filled for. */
    public enum Kind {
        /** Stage 1 only: tagged by ASID (VMID 0 for the host). */
        STAGE1,
        /** Stage 2 only: tagged by VMID, no ASID. */
        STAGE2,
        /** Both stages combined: tagged by VMID and ASID. */
        NESTED
    }

    /**
     * Which streams can hit it.
     *
     * @return its kind
     */
    public Kind kind() {
        // a switch, not valueOf: the checker asks this of every cached entry at every audit point
        return switch (entry.kind()) {
            case STAGE1 -> Kind.STAGE1;
            case STAGE2 -> Kind.STAGE2;
            case NESTED -> Kind.NESTED;
        };
    }

    /** Its VMID tag (0 for stage-1-only contexts). */
    public int vmid() {
        return entry.vmid();
    }

    /** Its ASID tag; -1 for a stage-2 entry, which has none. */
    public int asid() {
        return entry.asid();
    }

    /** Its input address (the IOVA; the IPA for a stage-2 entry), aligned to {@link #size()}. */
    public long va() {
        return entry.va();
    }

    /** Bytes it covers. */
    public long size() {
        return entry.size();
    }

    /**
     * Whether a lookup of {@code address} by a stream of this kind tagged
     * (VMID, ASID) finds this entry: the TLB's lookup selects by kind, VMID,
     * ASID and the entry's span (IotlbShard's probe).
     *
     * @param streamKind  the kind of the looking-up stream's translation
     * @param streamVmid  its VMID
     * @param streamAsid  its ASID (-1 for stage 2)
     * @param address     the input address looked up
     * @return whether the lookup finds this entry
     */
    public boolean hitBy(Kind streamKind, int streamVmid, int streamAsid, long address) {
        return kind() == streamKind && vmid() == streamVmid && asid() == streamAsid && entry.covers(address);
    }

    /** Whether {@code address} lies in the entry's span. */
    public boolean covers(long address) {
        return entry.covers(address);
    }

    /** The output address of {@code address}, which this entry must cover. */
    public long translate(long address) {
        return entry.translate(address);
    }

    @Override
    public String toString() {
        return smmu + "/tbu-" + tbu + " " + entry;
    }
}
