package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Perms;

/**
 * The VMSAv8-64 leaf descriptor layout of one table: block and page entries
 * packed in a {@code long} as the SMMU would read them from memory.
 *
 * <pre>
 *  [0]      valid
 *  [1]      1 = page (level 3), 0 = block (levels above 3)
 *  [4:2]    stage 1 AttrIndx (0 non-cacheable, 1 cacheable: Linux's MAIR indices)
 *  [5:2]    stage 2 MemAttr (0x5 non-cacheable, 0xF write-back)
 *  [7:6]    stage 1 AP[2:1] / stage 2 S2AP[1:0]   (see {@link StagePermissions})
 *  [9:8]    SH = inner shareable, or OA[51:50] with a 52-bit OAS on 4K/16K (FEAT_LPA2)
 *  [10]     AF, set unless the map asked for {@code Prot.OLD} (io-pgtable always sets it)
 *  [11]     nG, stage 1 only (entries are ASID-tagged)
 *  [15:12]  OA[51:48] with a 52-bit OAS on 64K (FEAT_LPA)
 *  [47:n]   OA, n = the page shift ([49:n] with FEAT_LPA2)
 *  [54:53]  stage 1 UXN, PXN / stage 2 XN[1:0]
 *  [55]     software: first leaf of an area (what one map segment mapped)
 *  [56]     software: last leaf of an area
 * </pre>
 *
 * Table descriptors are not packed: a next-level table is a Java reference
 * beside the entry array (see {@code Node}).
 *
 * @param stage the table format (never {@code NESTED}: nested tables are stage-1 tables)
 * @param oa52  the output size is 52 bits, so OA[51:48] moves into low bits
 */
public record DescriptorFormat(DomainStage stage, Granule granule, boolean oa52) {
    public static final long VALID = 1L;
    public static final long PAGE = 1L << 1;
    public static final long AF = 1L << 10;
    public static final long NG = 1L << 11;
    public static final long SH_INNER = 3L << 8;
    public static final long AREA_START = 1L << 55;
    public static final long AREA_END = 1L << 56;

    private static final long S1_ATTR_CACHE = 1L << 2;
    private static final long S2_MEMATTR_WB = 0xFL << 2;
    private static final long S2_MEMATTR_NC = 0x5L << 2;

    public DescriptorFormat {
        if (stage == DomainStage.NESTED) {
            throw new IllegalArgumentException("a nested domain's table uses the stage-1 format");
        }
    }

    public static DescriptorFormat of(DomainSpec spec) {
        return new DescriptorFormat(spec.tableFormat(), spec.granule(), spec.oas() == 52);
    }

    private boolean lpa2() {
        return oa52 && granule != Granule.G64K;
    }

    /** The leaf descriptor mapping {@code oa} (aligned to the leaf size) at {@code level}. */
    public long leaf(long oa, int level, Prot prot, boolean areaStart, boolean areaEnd) {
        long d = VALID | (prot.old() ? 0 : AF) | packOutput(oa) | StagePermissions.encode(stage, prot);
        if (level == 3) d |= PAGE;
        if (stage == DomainStage.STAGE1) {
            d |= NG | (prot.cache() ? S1_ATTR_CACHE : 0);
        } else {
            d |= prot.cache() ? S2_MEMATTR_WB : S2_MEMATTR_NC;
        }
        if (!lpa2()) d |= SH_INNER;
        if (areaStart) d |= AREA_START;
        if (areaEnd) d |= AREA_END;
        return d;
    }

    private long packOutput(long oa) {
        int hi = lpa2() ? 49 : 47;
        long inPlace = oa & inPlaceMask(hi);
        if (!oa52) return inPlace;
        return lpa2() ? inPlace | ((oa >>> 50) & 3L) << 8 : inPlace | ((oa >>> 48) & 0xFL) << 12;
    }

    private long inPlaceMask(int hi) {
        return ((1L << (hi + 1)) - 1) & -(1L << granule.pageShift());
    }

    /** The output address of a leaf descriptor: the base of what it maps. */
    public long outputAddress(long descriptor) {
        if (!oa52) {
            return descriptor & inPlaceMask(47);
        }
        if (lpa2()) {
            return (descriptor & inPlaceMask(49)) | (descriptor & (3L << 8)) << 42;
        }
        return (descriptor & inPlaceMask(47)) | (descriptor & (0xFL << 12)) << 36;
    }

    public Perms perms(long descriptor) {
        return StagePermissions.decode(stage, descriptor);
    }

    /** The Access flag: a leaf with AF=0 faults (F_ACCESS) unless the SMMU updates AF itself. */
    public static boolean accessed(long descriptor) {
        return (descriptor & AF) != 0;
    }

    public static boolean valid(long descriptor) {
        return (descriptor & VALID) != 0;
    }

    public static boolean areaStart(long descriptor) {
        return (descriptor & AREA_START) != 0;
    }

    public static boolean areaEnd(long descriptor) {
        return (descriptor & AREA_END) != 0;
    }
}
