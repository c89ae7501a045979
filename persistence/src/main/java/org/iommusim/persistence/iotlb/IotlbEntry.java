package org.iommusim.persistence.iotlb;

import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.translate.Perms;

/**
 * One cached translation: a leaf of a walk (or, for a nested stream, the
 * combination of a stage-1 and a stage-2 walk), with the tags an invalidation
 * selects it by.
 *
 * <p>Tags: {@code vmid} is always present (0 for streams that do not use
 * stage 2: Linux tags stage-1-only contexts with VMID 0, and so does the
 * model); {@code asid} is {@link #NO_ASID} exactly for {@link Kind#STAGE2}
 * entries. {@code va} is the input address of the entry: the IOVA for
 * stage-1 and nested entries, the IPA for pure stage-2 entries (for a
 * stage-2-only stream the device's IOVA <em>is</em> the IPA).
 *
 * <p>{@code granule} and {@code level} are those of the leaf that TLBI TTL
 * hints name: the stage-1 leaf for stage-1 and nested entries, the stage-2
 * leaf for stage-2 entries. A nested entry may be smaller than its stage-1
 * leaf (a combined entry cannot be larger than either stage's leaf), so only
 * stage-1 and stage-2 entries must have exactly the level's size.
 *
 * <p>Two entries with the same {@link #sameSlot slot} (kind, VMID, ASID, va
 * and size) cannot both be cached: a fill of the second replaces the first.
 *
 * @param pa          output address of {@code va} (the physical address; aligned to {@code size})
 * @param perms       effective permissions (for nested entries, already the intersection of both stages)
 * @param stage1Perms for nested entries, the stage-1 permissions alone, so that a permission fault on a
 *                    cached combined entry names the stage that refused it (stage 1 is checked first);
 *                    null for other kinds
 */
public record IotlbEntry(Kind kind, int vmid, int asid, long va, long size, Granule granule, int level, long pa,
        Perms perms, Perms stage1Perms) {

    /** An entry whose refusals need no stage attribution (or a nested entry treated as refused by stage 1). */
    public IotlbEntry(Kind kind, int vmid, int asid, long va, long size, Granule granule, int level, long pa,
            Perms perms) {
        this(kind, vmid, asid, va, size, granule, level, pa, perms, kind == Kind.NESTED ? perms : null);
    }

    /** The ASID of a pure stage-2 entry, which has none. */
    public static final int NO_ASID = -1;

    /** Which translation regime produced the entry, and so which TLBIs can reach it. */
    public enum Kind {
        /** Stage 1 only (STE Config 5); tagged (VMID 0 or the stream's VMID, ASID). */
        STAGE1,
        /** Stage 2 only (STE Config 6); tagged (VMID), no ASID; {@code va} is the IPA. */
        STAGE2,
        /** Combined stage-1 + stage-2 result (STE Config 7); tagged (VMID, ASID). */
        NESTED;

        /** Whether NH_* commands (stage-1 invalidations) reach entries of this kind. */
        public boolean hasStage1() {
            return this != STAGE2;
        }
    }

    public IotlbEntry {
        if (kind == null || granule == null || perms == null) {
            throw new IllegalArgumentException("kind, granule and perms are required");
        }
        if ((kind == Kind.NESTED) != (stage1Perms != null)) {
            throw new IllegalArgumentException("stage-1 permissions are kept for nested entries only");
        }
        if (vmid < 0 || vmid > 0xFFFF) {
            throw new IllegalArgumentException("vmid=" + vmid + " is outside 0..0xffff");
        }
        if (kind == Kind.STAGE2 ? asid != NO_ASID : (asid < 0 || asid > 0xFFFF)) {
            throw new IllegalArgumentException(kind == Kind.STAGE2
                    ? "a stage-2 entry has no ASID (NO_ASID), got " + asid
                    : "asid=" + asid + " is outside 0..0xffff for a " + kind + " entry");
        }
        if (level < 0 || level > 3 || !granule.leafSizes().contains(granule.entrySize(level))) {
            throw new IllegalArgumentException("level " + level + " holds no leaves in a " + granule.label() + " granule");
        }
        long levelSize = granule.entrySize(level);
        if (Long.bitCount(size) != 1 || size < (1L << 12)
                || (kind == Kind.NESTED ? size > levelSize : size != levelSize)) {
            throw new IllegalArgumentException("size 0x" + Long.toHexString(size) + " does not fit a " + kind
                    + " entry at level " + level + " of a " + granule.label() + " granule");
        }
        if ((va & (size - 1)) != 0 || (pa & (size - 1)) != 0) {
            throw new IllegalArgumentException("va 0x" + Long.toHexString(va) + " and pa 0x" + Long.toHexString(pa)
                    + " must be aligned to the entry size 0x" + Long.toHexString(size));
        }
    }

    /** A stage-1 entry for a leaf of {@code granule} at {@code level}. */
    public static IotlbEntry stage1(int vmid, int asid, long va, Granule granule, int level, long pa, Perms perms) {
        return new IotlbEntry(Kind.STAGE1, vmid, asid, va, granule.entrySize(level), granule, level, pa, perms);
    }

    /** A pure stage-2 entry: {@code ipa} is its input address. */
    public static IotlbEntry stage2(int vmid, long ipa, Granule granule, int level, long pa, Perms perms) {
        return new IotlbEntry(Kind.STAGE2, vmid, NO_ASID, ipa, granule.entrySize(level), granule, level, pa, perms);
    }

    /** A combined entry of {@code size} bytes whose stage-1 leaf is at {@code level} of {@code granule}. */
    public static IotlbEntry nested(int vmid, int asid, long va, long size, Granule granule, int level, long pa,
            Perms perms) {
        return new IotlbEntry(Kind.NESTED, vmid, asid, va, size, granule, level, pa, perms);
    }

    /** A combined entry keeping both stages' permissions: effective is their intersection. */
    public static IotlbEntry nested(int vmid, int asid, long va, long size, Granule granule, int level, long pa,
            Perms stage1, Perms stage2) {
        return new IotlbEntry(Kind.NESTED, vmid, asid, va, size, granule, level, pa, stage1.intersect(stage2), stage1);
    }

    /** Whether {@code address} lies in {@code [va, va + size)}. */
    public boolean covers(long address) {
        return (address & -size) == va;
    }

    /** The output address of {@code address}, which this entry must cover. */
    public long translate(long address) {
        return pa | (address & (size - 1));
    }

    /** Same kind, VMID, ASID, va and size: the two cannot be cached together. */
    public boolean sameSlot(IotlbEntry other) {
        return kind == other.kind && vmid == other.vmid && asid == other.asid && va == other.va && size == other.size;
    }

    @Override
    public String toString() {
        return kind + "[vmid=0x" + Integer.toHexString(vmid)
                + (asid == NO_ASID ? "" : " asid=0x" + Integer.toHexString(asid))
                + " va=0x" + Long.toHexString(va) + " size=0x" + Long.toHexString(size) + " " + granule.label()
                + " L" + level + " pa=0x" + Long.toHexString(pa) + " " + perms + "]";
    }
}
