package org.iommusim.protocol.config;

import org.iommusim.protocol.domain.DomainId;

/**
 * A stream table entry as software writes it. The CD table itself is part
 * of the same stream entity; the STE says how many substreams it covers.
 *
 * @param valid    STE.V: an invalid STE makes every transaction a C_BAD_STE
 * @param s1CdMax  log2 of the number of CDs (0: one CD, no substreams)
 * @param vmid     the VMID for stage 2 and nested; -1 otherwise
 * @param s2Domain the stage-2 domain for stage 2 and nested; null otherwise
 * @param s2r      STE.S2R: record stage-2 F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and
 *                 F_PERMISSION faults; when clear they terminate the transaction
 *                 without a record (Arm IHI 0070, 5.5 "Fault configuration")
 * @param s2ha     STE.S2HA: the SMMU sets a stage-2 descriptor's AF itself instead of
 *                 raising F_ACCESS, if it advertises HTTU (Arm IHI 0070, 3.13.2)
 * @param s1ContextPtr STE.S1ContextPtr: the address of the CD table (CD {@code ssid} at
 *                 +64 * ssid), an IPA under a nested STE; -1: not given, the CDs are outside the
 *                 address space and their fetch is not translated (the model before it)
 * @param guestCds the CD table is the guest's own, in the embedder's memory
 *                 ({@link org.iommusim.protocol.memory.GuestMemory}): the SMMU fetches CD {@code ssid} there, 64 bytes
 *                 at stage 2's output for the IPA S1ContextPtr + 64 * ssid, and decodes it in the architecture's
 *                 layout; the CDs written with the stream's own CD table are not used, and the CD's stage-1 tables
 *                 are the guest's too. Needs a nested STE with S1ContextPtr, and the TCU's bounded configuration
 *                 cache, which caches what the fetch read
 */
public record Ste(boolean valid, SteConfig config, int s1CdMax, S1Dss s1dss, int vmid, DomainId s2Domain,
        boolean s2r, boolean s2ha, long s1ContextPtr, boolean guestCds) {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code config} or {@code s1dss} is null; {@code s1CdMax} is outside
     *        0..20; a config with stage 2 has a VMID outside 0..65535 or no {@code s2Domain}; a config without
     *        stage 2 has a VMID other than -1 or an {@code s2Domain}; {@code s1ContextPtr} is neither -1 nor a
     *        64-byte aligned address below 2^52; or {@code guestCds} is set on an STE that is not nested or has no
     *        S1ContextPtr
     */
    public Ste {
        if (guestCds && (config != SteConfig.NESTED || s1ContextPtr == -1)) {
            throw new IllegalArgumentException("a CD table in guest memory needs a nested STE with S1ContextPtr, got "
                    + config + (s1ContextPtr == -1 ? " without S1ContextPtr" : ""));
        }
        if (s1ContextPtr != -1 && (s1ContextPtr < 0 || (s1ContextPtr & 0x3F) != 0 || s1ContextPtr >>> 52 != 0)) {
            throw new IllegalArgumentException("S1ContextPtr=0x" + Long.toHexString(s1ContextPtr)
                    + " is not a 64-byte aligned address below 2^52 (or -1: none)");
        }
        if (config == null || s1dss == null) {
            throw new IllegalArgumentException("an STE needs a config and an S1DSS");
        }
        if (s1CdMax < 0 || s1CdMax > 20) {
            throw new IllegalArgumentException("s1CdMax=" + s1CdMax + " is outside 0..20");
        }
        if (config.usesStage2()) {
            if (vmid < 0 || vmid > 0xFFFF) {
                throw new IllegalArgumentException("vmid=" + vmid + " is outside 0..65535");
            }
            if (s2Domain == null) {
                throw new IllegalArgumentException(config + " STE needs a stage-2 domain");
            }
        } else if (vmid != -1 || s2Domain != null) {
            throw new IllegalArgumentException(config + " STE has no stage 2: use vmid=-1 and no s2 domain");
        }
    }

    /** An STE whose CD table, if any, is the stream's own (not in guest memory). */
    public Ste(boolean valid, SteConfig config, int s1CdMax, S1Dss s1dss, int vmid, DomainId s2Domain,
            boolean s2r, boolean s2ha, long s1ContextPtr) {
        this(valid, config, s1CdMax, s1dss, vmid, s2Domain, s2r, s2ha, s1ContextPtr, false);
    }

    /** An STE that records stage-2 faults (S2R=1) and leaves AF to software (S2HA=0), as Linux writes it. */
    public Ste(boolean valid, SteConfig config, int s1CdMax, S1Dss s1dss, int vmid, DomainId s2Domain) {
        this(valid, config, s1CdMax, s1dss, vmid, s2Domain, true, false);
    }

    /** An STE without S1ContextPtr (the CD fetch is not translated). */
    public Ste(boolean valid, SteConfig config, int s1CdMax, S1Dss s1dss, int vmid, DomainId s2Domain,
            boolean s2r, boolean s2ha) {
        this(valid, config, s1CdMax, s1dss, vmid, s2Domain, s2r, s2ha, -1);
    }

    /** This STE with STE.S1ContextPtr at {@code address} (-1: none). */
    public Ste withS1ContextPtr(long address) {
        return new Ste(valid, config, s1CdMax, s1dss, vmid, s2Domain, s2r, s2ha, address, guestCds && address != -1);
    }

    /**
     * This (nested) STE with its CD table in guest memory at IPA {@code s1ContextPtr} (64-byte aligned): the SMMU
     * fetches each CD it needs through stage 2 from the SMMU's {@link org.iommusim.protocol.memory.GuestMemory}.
     *
     * @param s1ContextPtr the IPA of CD 0
     * @return the STE
     * @throws IllegalArgumentException for an STE that is not nested, or a misaligned address
     */
    public Ste withGuestCds(long s1ContextPtr) {
        return new Ste(valid, config, s1CdMax, s1dss, vmid, s2Domain, s2r, s2ha, s1ContextPtr, true);
    }

    /** This STE with STE.S2R set or clear. */
    public Ste withS2r(boolean record) {
        return new Ste(valid, config, s1CdMax, s1dss, vmid, s2Domain, record, s2ha, s1ContextPtr, guestCds);
    }

    /** This STE with STE.S2HA set or clear. */
    public Ste withS2ha(boolean hardwareAccessFlag) {
        return new Ste(valid, config, s1CdMax, s1dss, vmid, s2Domain, s2r, hardwareAccessFlag, s1ContextPtr, guestCds);
    }

    /**
     * A valid STE with Config=abort: every transaction is terminated, no event recorded.
     * @return the STE
     */
    public static Ste abort() {
        return new Ste(true, SteConfig.ABORT, 0, S1Dss.TERMINATE, -1, null);
    }

    /**
     * A valid STE with Config=bypass: addresses pass untranslated.
     * @return the STE
     */
    public static Ste bypass() {
        return new Ste(true, SteConfig.BYPASS, 0, S1Dss.TERMINATE, -1, null);
    }

    /**
     * An STE with V=0: every transaction of the stream is C_BAD_STE.
     * @return the STE
     */
    public static Ste invalid() {
        return new Ste(false, SteConfig.ABORT, 0, S1Dss.TERMINATE, -1, null);
    }

    /**
     * A valid stage-1 STE with 2^{@code s1CdMax} CDs.
     * @return the STE
     * @throws IllegalArgumentException if {@code s1CdMax} is outside 0..20 or {@code s1dss} is null
     */
    public static Ste stage1(int s1CdMax, S1Dss s1dss) {
        return new Ste(true, SteConfig.STAGE1, s1CdMax, s1dss, -1, null);
    }

    /**
     * A valid stage-2 STE translating through {@code s2Domain} under {@code vmid}.
     * @return the STE
     * @throws IllegalArgumentException if {@code vmid} is outside 0..65535 or {@code s2Domain} is null
     */
    public static Ste stage2(int vmid, DomainId s2Domain) {
        return new Ste(true, SteConfig.STAGE2, 0, S1Dss.TERMINATE, vmid, s2Domain);
    }

    /**
     * A valid nested STE: the CDs' stage 1, then {@code s2Domain} under {@code vmid}.
     * @return the STE
     * @throws IllegalArgumentException as {@link #stage1} and {@link #stage2}
     */
    public static Ste nested(int s1CdMax, S1Dss s1dss, int vmid, DomainId s2Domain) {
        return new Ste(true, SteConfig.NESTED, s1CdMax, s1dss, vmid, s2Domain);
    }
}
