package org.iommusim.persistence.tcu;

/**
 * One walk-cache entry: the descriptor the walker read at this cache's stage
 * and level for the input addresses {@code [prefix << shift, (prefix + 1) << shift)},
 * tagged like the TLB (VMID, and ASID for stage 1).
 *
 * @param asid  the ASID for stage 1, {@code IotlbEntry.NO_ASID} for stage 2
 * @param shift log2 of the bytes one descriptor at this level covers (granule-dependent)
 * @param leaf  a block or page descriptor; otherwise a table descriptor
 * @param value the leaf descriptor as read, or the id of the next-level table page it points at; for a table
 *              descriptor of a guest's tables in memory, {@link #GUEST_TABLE} with what the walk resumes from
 *              below it ({@code MemoryTableWalk.resumeValue}: the next table's IPA and the inherited restrictions)
 */
public record WalkEntry(int vmid, int asid, long prefix, int shift, boolean leaf, long value) {
    /** Marks a table entry of a guest's tables in memory (a table page id never has bit 63 set). */
    public static final long GUEST_TABLE = 1L << 63;

    /** Whether this is a table descriptor of a guest's tables in memory (its value an IPA, not a table page id). */
    public boolean guestTable() {
        return !leaf && (value & GUEST_TABLE) != 0;
    }

    public long base() {
        return prefix << shift;
    }

    public long size() {
        return 1L << shift;
    }

    /** The walk-cache lookup's match: this entry answers a lookup of (vmid, asid, prefix) at this shift. */
    boolean matches(int vmid, int asid, long prefix, int shift) {
        return this.prefix == prefix && this.shift == shift && this.asid == asid && this.vmid == vmid;
    }

    /**
     * Whether a walk tagged (vmid, asid) of {@code address} finds this entry
     * in its cache ({@link WalkCache}'s lookup rule; {@code asid} is
     * {@code IotlbEntry.NO_ASID} for stage 2).
     */
    public boolean hitBy(int vmid, int asid, long address) {
        return matches(vmid, asid, address >>> shift, shift);
    }
}
