package org.iommusim.actors.iommufd;

import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.SteConfig;

/**
 * A guest's stream table entry as a VMM hands it to {@code IOMMU_HWPT_ALLOC}
 * for a nested HWPT: only the stage-1 half the guest may own. Parsing follows
 * Linux's {@code arm_smmu_validate_vste}: an STE with V=0 is taken as all
 * zeroes (an abort); any bit outside the fields a guest may set, a Config other
 * than ABORT, BYPASS or stage-1 translate, or an EATS other than 0 or 1 is
 * refused with {@link Errno#EIO}, which Linux reserves for invalid STE data.
 *
 * <p>Fields: word 0: V [0], Config [3:1], S1Fmt [5:4], S1ContextPtr [51:6],
 * S1CDMax [63:59]; word 1: S1DSS [1:0], S1CIR [3:2], S1COR [5:4], S1CSH [7:6],
 * S1STALLD [27], EATS [29:28].
 *
 * @param config       ABORT, BYPASS or STAGE1 (an invalid STE reads as ABORT)
 * @param s1ContextPtr the guest-physical address of its CD table; the model keeps CDs in the stream
 *                     entity, so this is recorded, not walked
 */
public record GuestSte(boolean valid, SteConfig config, int s1Fmt, long s1ContextPtr, int s1CdMax, S1Dss s1dss,
        int eats) {

    static final long ALLOWED0 = 0x1L | 0x7L << 1 | 0x3L << 4 | ((1L << 46) - 1) << 6 | 0x1FL << 59;
    static final long ALLOWED1 = 0xFFL | 1L << 27 | 0x3L << 28;
    /** The model's SubstreamIDs are at most 20 bits (IDR1.SSIDSIZE). */
    private static final int MAX_S1CDMAX = 20;

    /** A stage-1 guest STE pointing at a CD table of {@code 2^s1CdMax} entries. */
    public static GuestSte stage1(long cdTableIpa, int s1CdMax, S1Dss s1dss) {
        return new GuestSte(true, SteConfig.STAGE1, 0, cdTableIpa & ~0x3FL, s1CdMax, s1dss, 0);
    }

    /** A guest STE that bypasses stage 1 (the host's stage 2 still applies). */
    public static GuestSte bypass() {
        return new GuestSte(true, SteConfig.BYPASS, 0, 0, 0, S1Dss.TERMINATE, 0);
    }

    /** A guest STE that aborts every transaction. */
    public static GuestSte abort() {
        return new GuestSte(true, SteConfig.ABORT, 0, 0, 0, S1Dss.TERMINATE, 0);
    }

    /** The two STE words as the guest wrote them. */
    public long word0() {
        return (valid ? 1L : 0) | (long) config.code() << 1 | (long) s1Fmt << 4 | s1ContextPtr
                | (long) s1CdMax << 59;
    }

    /** Word 1 of the STE. */
    public long word1() {
        return s1dss.ordinal() | (long) eats << 28;
    }

    /** This STE as {@code IOMMU_HWPT_DATA_ARM_SMMUV3} payload. */
    public HwptData toHwptData() {
        return HwptData.armSmmuV3(word0(), word1());
    }

    /** Validates and decodes a guest STE; throws {@link Errno#EIO} for data a guest may not give. */
    public static GuestSte parse(long w0, long w1) {
        if ((w0 & 1) == 0) {
            return new GuestSte(false, SteConfig.ABORT, 0, 0, 0, S1Dss.TERMINATE, 0);
        }
        if ((w0 & ~ALLOWED0) != 0 || (w1 & ~ALLOWED1) != 0) {
            throw new IommufdException(Errno.EIO, String.format(
                    "guest STE sets bits a guest may not own: word0 0x%016x word1 0x%016x",
                    w0 & ~ALLOWED0, w1 & ~ALLOWED1));
        }
        int code = (int) (w0 >>> 1 & 0x7);
        SteConfig config = SteConfig.fromCode(code).orElse(null);
        if (config != SteConfig.ABORT && config != SteConfig.BYPASS && config != SteConfig.STAGE1) {
            throw new IommufdException(Errno.EIO, "guest STE Config=0b" + Integer.toBinaryString(code)
                    + (config == null ? " (reserved)" : " (" + config + ")")
                    + ": a guest may only choose ABORT, BYPASS or stage-1 translate; stage 2 belongs to the host");
        }
        int eats = (int) (w1 >>> 28 & 0x3);
        if (eats > 1) {
            throw new IommufdException(Errno.EIO, "guest STE EATS=" + eats + ": only 0 (abort) or 1 (full ATS)");
        }
        int dss = (int) (w1 & 0x3);
        if (dss == 3) {
            throw new IommufdException(Errno.EIO, "guest STE S1DSS=3 is reserved");
        }
        int s1CdMax = (int) (w0 >>> 59);
        if (s1CdMax > MAX_S1CDMAX) {
            throw new IommufdException(Errno.EIO, "guest STE S1CDMax=" + s1CdMax + " exceeds 20-bit SubstreamIDs");
        }
        int s1Fmt = (int) (w0 >>> 4 & 0x3);
        if (config == SteConfig.STAGE1 && s1CdMax > 0 && s1Fmt != 0) {
            // model divergence (Linux accepts it): S1Fmt 1/2 is a two-level CD table (L1CD descriptors, then
            // leaf tables), 3 is reserved; the model reads CD tables as linear only, and would take the L1
            // descriptors for CDs, so it refuses the STE rather than answer with a wrong CD
            throw new IommufdException(Errno.EIO, "guest STE S1Fmt=" + s1Fmt + (s1Fmt == 3 ? " (reserved)"
                    : " (two-level CD table)") + " with S1CDMax=" + s1CdMax
                    + ": the model reads linear CD tables only (S1Fmt=0)");
        }
        return new GuestSte(true, config, s1Fmt, w0 & ((1L << 52) - 1) & ~0x3FL, s1CdMax,
                S1Dss.values()[dss], eats);
    }
}
