package org.iommusim.persistence.config;

import java.util.List;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;

/**
 * A context descriptor as the SMMU fetched it from guest memory ({@code Ste.guestCds}): the 64 bytes read, as
 * eight little-endian doublewords, with where they were read. What the configuration cache holds and the TCU's
 * journal records, so a cached CD needs no guest memory again; {@link #decode} gives the fields the model uses.
 *
 * <p>The layout is the architecture's (Arm IHI 0070, 5.4 "Context Descriptor"; Linux's {@code CTXDESC_CD_0_*}):
 * word 0 T0SZ [5:0], TG0 [7:6] (0 4K, 1 64K, 2 16K), EPD0 [14], ENDI [15], V [31], IPS [34:32], AA64 [41],
 * HA [43], S [44], R [45], A [46], ASID [63:48]; word 1 TTB0 [51:4]. Other fields (the TTB1 half, MAIR,
 * cacheability, TBI, HD) are read but not used.
 *
 * @param ipa   the CD's IPA (STE.S1ContextPtr + 64 * SubstreamID)
 * @param pa    where it was read: stage 2's output for {@code ipa}
 * @param words the eight doublewords read, in address order
 */
public record GuestCd(long ipa, long pa, List<Long> words) {
    /** A CD's size in doublewords. */
    public static final int WORDS = 8;

    public GuestCd {
        words = List.copyOf(words);
        if (words.size() != WORDS) {
            throw new IllegalArgumentException("a CD is " + WORDS + " doublewords, got " + words.size());
        }
    }

    /**
     * The fields the model uses, for a valid CD the model can take.
     *
     * @param asid  CD.ASID
     * @param ttb0  CD.TTB0: the IPA of the guest's stage-1 root table
     * @param geometry the stage-1 translation regime: CD.TG0 as the granule, 64 - CD.T0SZ as the input size (at
     *              most {@link #VA_BITS}, whatever the OAS), CD.IPS
     *              (at most the SMMU's OAS) as the output size
     * @param epd0  CD.EPD0: walks through TTB0 are disabled, so every TLB miss is a stage-1 F_TRANSLATION
     * @param r     CD.R: record stage-1 faults
     * @param ha    CD.HA: the SMMU may set AF itself (with HTTU)
     */
    public record Decoded(int asid, long ttb0, Geometry geometry, boolean epd0, boolean r, boolean ha) {}

    /** CD.TG0, 64 - CD.T0SZ and the effective CD.IPS: what shape the guest's tables have. */
    public record Geometry(Granule granule, int inputBits, int outputBits) {}

    /** Either the decoded CD, or why the SMMU does not take it (C_BAD_CD). */
    public sealed interface Decoding {}

    /** The CD is valid and the model can use it. */
    public record Usable(Decoded cd) implements Decoding {}

    /** CD.V is clear, or the CD is ILLEGAL for this SMMU: the transaction is C_BAD_CD. */
    public record Bad(String reason) implements Decoding {}

    /** The stage-1 input (VA) size the model takes at most: 48 bits, as an SMMU without SMMU_IDR5.VAX. */
    public static final int VA_BITS = 48;

    private static final int[] IPS_BITS = {32, 36, 40, 42, 44, 48, 52};

    /** Decodes the CD for an SMMU of {@code caps}. */
    public Decoding decode(SmmuCapabilities caps) {
        long w0 = words.get(0);
        if ((w0 & (1L << 31)) == 0) {
            return new Bad("CD.V is 0");
        }
        if ((w0 & (1L << 41)) == 0) {
            // SMMU_IDR0.TTF: the model walks VMSAv8-64 tables only, so an AArch32 CD is ILLEGAL
            return new Bad("CD.AA64 is 0 (the model reads AArch64 tables only)");
        }
        if ((w0 & (1L << 15)) != 0) {
            // SMMU_IDR0.TTENDIAN: the model's tables are little-endian only
            return new Bad("CD.ENDI is 1 (the model reads little-endian tables only)");
        }
        if ((w0 & (1L << 44)) != 0 && !caps.stall()) {
            return new Bad("CD.S is 1 on an SMMU without stalls");
        }
        Granule g = switch ((int) (w0 >>> 6) & 3) {
            case 0 -> Granule.G4K;
            case 1 -> Granule.G64K;
            case 2 -> Granule.G16K;
            default -> null;
        };
        if (g == null || !caps.granules().contains(g)) {
            return new Bad("CD.TG0 " + ((w0 >>> 6) & 3) + " names no granule this SMMU has");
        }
        int inputBits = 64 - (int) (w0 & 0x3F);
        // Arm IHI 0070, 5.4: CD.T0SZ is bounded by the VA size (48 bits; 52 only with SMMU_IDR5.VAX, which the
        // model does not have), not by the IAS/OAS: stage 1's input is a VA, its output the IPA that IPS bounds
        if (inputBits < 25 || inputBits > VA_BITS) {
            return new Bad("CD.T0SZ " + (w0 & 0x3F) + " gives a " + inputBits + "-bit input, outside 25 to the VA size ("
                    + VA_BITS + " bits)");
        }
        int asid = (int) (w0 >>> 48);
        if (!caps.asidInRange(asid)) {
            return new Bad("CD.ASID 0x" + Integer.toHexString(asid) + " is beyond the SMMU's ASID size");
        }
        int ips = (int) (w0 >>> 32) & 7;
        // an IPS beyond the OAS (or the reserved 0b111) is taken as the OAS
        int outputBits = ips < IPS_BITS.length ? Math.min(IPS_BITS[ips], caps.oas()) : caps.oas();
        long ttb0 = words.get(1) & 0x000F_FFFF_FFFF_FFF0L;
        return new Usable(new Decoded(asid, ttb0, new Geometry(g, inputBits, outputBits), (w0 & (1L << 14)) != 0,
                (w0 & (1L << 45)) != 0, (w0 & (1L << 43)) != 0));
    }

    /**
     * The parent a guest CD's geometry names: none of the model's domains. A guest's stage-1 tables are walked in
     * memory; the table built from the geometry is only its shape (levels, input and output sizes) and is never
     * walked with stage 2, which the STE names, so it needs no parent of its own; one shared value keeps the
     * tables built from geometries as few as the geometries.
     */
    public static final org.iommusim.protocol.domain.DomainId GEOMETRY_PARENT =
            org.iommusim.protocol.domain.DomainId.of(Long.MAX_VALUE);

    /**
     * The geometry as a nested domain's spec: parent {@link #GEOMETRY_PARENT}, ASID 0 (the geometry carries
     * neither: the STE gives stage 2 and the VMID, the CD the ASID).
     */
    public static DomainSpec spec(Geometry g) {
        return DomainSpec.nested(GEOMETRY_PARENT, g.granule(), g.inputBits(), g.outputBits(), 0);
    }
}
