package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Perms;

/**
 * The one place that knows how {@link Prot} flags become descriptor permission
 * bits and how those bits read back as {@link Perms}, per table format
 * (Linux {@code io-pgtable-arm}, {@code arm_lpae_prot_to_pte}).
 *
 * <ul>
 *   <li>Stage 1 ({@code AP[2:1]} at [7:6]): always readable; READ without
 *       WRITE sets AP[2] (read-only), so WRITE alone is read-write; no PRIV
 *       sets AP[1] (unprivileged access allowed).</li>
 *   <li>Stage 2 ({@code S2AP[1:0]} at [7:6]): bit 6 read, bit 7 write,
 *       independent, so WRITE alone is write-only; PRIV is ignored and
 *       unprivileged access is always allowed.</li>
 *   <li>Both: NOEXEC sets XN.</li>
 * </ul>
 */
public final class StagePermissions {
    /** Stage 1 AP[1]: EL0 (unprivileged) may access. */
    public static final long S1_AP_UNPRIV = 1L << 6;
    /** Stage 1 AP[2]: read-only. */
    public static final long S1_AP_RDONLY = 1L << 7;
    /** Stage 2 S2AP[0]: readable. */
    public static final long S2AP_READ = 1L << 6;
    /** Stage 2 S2AP[1]: writable. */
    public static final long S2AP_WRITE = 1L << 7;
    /** Stage 1 PXN; Linux sets it with UXN, so the model never sets one alone. */
    public static final long S1_PXN = 1L << 53;
    /** Stage 1 UXN (XN). */
    public static final long S1_UXN = 1L << 54;
    /** Stage 2 XN[1]: not executable at any level (XN[1:0] = 0b10, also right without FEAT_XNX). */
    public static final long S2_XN = 1L << 54;
    /** Every bit this class owns, for either format. */
    public static final long MASK = (3L << 6) | (3L << 53);

    private StagePermissions() {}

    /** Whether a map with these flags grants anything (Linux maps nothing without READ or WRITE). */
    public static boolean grantsAccess(Prot prot) {
        return prot.read() || prot.write();
    }

    /** The permission bits of a leaf descriptor for {@code prot} in the table format of {@code stage}. */
    public static long encode(DomainStage stage, Prot prot) {
        if (!grantsAccess(prot)) {
            throw new IllegalArgumentException("prot " + prot + " grants neither READ nor WRITE");
        }
        long bits = 0;
        if (isStage2(stage)) {
            if (prot.read()) bits |= S2AP_READ;
            if (prot.write()) bits |= S2AP_WRITE;
            if (prot.noexec()) bits |= S2_XN;
        } else {
            if (prot.read() && !prot.write()) bits |= S1_AP_RDONLY;
            if (!prot.priv()) bits |= S1_AP_UNPRIV;
            if (prot.noexec()) bits |= S1_PXN | S1_UXN;
        }
        return bits;
    }

    /** The effective permissions a leaf descriptor grants in the table format of {@code stage}. */
    public static Perms decode(DomainStage stage, long descriptor) {
        boolean read, write, exec, unpriv;
        if (isStage2(stage)) {
            read = (descriptor & S2AP_READ) != 0;
            write = (descriptor & S2AP_WRITE) != 0;
            exec = (descriptor & S2_XN) == 0;
            unpriv = true;
        } else {
            read = true;
            write = (descriptor & S1_AP_RDONLY) == 0;
            // Perms has one exec flag; either XN bit forbids it (the model only ever sets both).
            exec = (descriptor & (S1_PXN | S1_UXN)) == 0;
            unpriv = (descriptor & S1_AP_UNPRIV) != 0;
        }
        return Perms.ofBits((read ? 1 : 0) | (write ? 2 : 0) | (exec ? 4 : 0) | (unpriv ? 8 : 0));
    }

    /** What a map with {@code prot} grants, without building a descriptor by hand. */
    public static Perms of(DomainStage stage, Prot prot) {
        return decode(stage, encode(stage, prot));
    }

    private static boolean isStage2(DomainStage stage) {
        return stage == DomainStage.STAGE2;
    }
}
