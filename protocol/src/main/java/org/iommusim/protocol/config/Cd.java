package org.iommusim.protocol.config;

import org.iommusim.protocol.domain.DomainId;

/**
 * A context descriptor as software writes it: the ASID and the stage-1
 * (or nested) domain whose table translates this substream.
 *
 * @param valid CD.V: an invalid CD makes the substream's transactions C_BAD_CD
 * @param r     CD.R: record stage-1 F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and
 *              F_PERMISSION faults; when clear they terminate the transaction
 *              without a record (Arm IHI 0070, 5.5 "Fault configuration")
 * @param ha    CD.HA: the SMMU sets a stage-1 descriptor's AF itself instead of
 *              raising F_ACCESS, if it advertises HTTU (Arm IHI 0070, 3.13.2)
 * @param ttb0  CD.TTB0: the address of the stage-1 root table, an IPA under a nested STE; table
 *              page {@code k} of the domain (the root is 0) is at TTB0 + k * granule (the guest's table
 *              pool). -1: not given, the tables are outside the address space and their reads are
 *              not translated (the model before TTB0)
 * @param guestTables the stage-1 tables are the guest's own, in the embedder's memory
 *              ({@link org.iommusim.protocol.memory.GuestMemory}): TTB0 is the IPA of the guest's root table and
 *              the walker reads VMSAv8-64 descriptors there, each table address translated by the stream's
 *              stage 2. {@code s1Domain} (a nested domain) then gives only the geometry (granule, input size:
 *              what CD.TG0 and CD.T0SZ say); its own mappings are not used. Needs a nested STE and a TTB0
 */
public record Cd(boolean valid, int asid, DomainId s1Domain, boolean r, boolean ha, long ttb0, boolean guestTables) {
    /** No TTB0 given. */
    public static final long NO_ADDRESS = -1;

    /**
     * Checks the fields; an invalid CD may leave ASID and domain unset.
     * @throws IllegalArgumentException if {@code ttb0} is neither -1 nor a 4K-aligned address below 2^52; a valid
     *        CD has an ASID outside 0..65535 or no {@code s1Domain}; or {@code guestTables} is set without TTB0
     */
    public Cd {
        if (ttb0 != NO_ADDRESS && (ttb0 < 0 || (ttb0 & 0xFFF) != 0 || ttb0 >>> 52 != 0)) {
            throw new IllegalArgumentException("TTB0=0x" + Long.toHexString(ttb0)
                    + " is not a 4K-aligned address below 2^52 (or -1: none)");
        }
        if (valid) {
            if (asid < 0 || asid > 0xFFFF) {
                throw new IllegalArgumentException("asid=" + asid + " is outside 0..65535");
            }
            if (s1Domain == null) {
                throw new IllegalArgumentException("a valid CD needs a stage-1 domain");
            }
        }
        if (guestTables && ttb0 == NO_ADDRESS) {
            throw new IllegalArgumentException("a CD whose stage-1 tables are in guest memory needs TTB0");
        }
    }

    /** A CD whose stage-1 tables are the model's own (not in guest memory). */
    public Cd(boolean valid, int asid, DomainId s1Domain, boolean r, boolean ha, long ttb0) {
        this(valid, asid, s1Domain, r, ha, ttb0, false);
    }

    /** A CD that records faults (R=1) and leaves AF to software (HA=0), as Linux writes it. */
    public Cd(boolean valid, int asid, DomainId s1Domain) {
        this(valid, asid, s1Domain, true, false);
    }

    /** A CD without TTB0 (the stage-1 table's reads are not translated). */
    public Cd(boolean valid, int asid, DomainId s1Domain, boolean r, boolean ha) {
        this(valid, asid, s1Domain, r, ha, NO_ADDRESS);
    }

    /** This CD with CD.TTB0 at {@code address} (-1: none). */
    public Cd withTtb0(long address) {
        return new Cd(valid, asid, s1Domain, r, ha, address, guestTables && address != NO_ADDRESS);
    }

    /**
     * This CD with its stage-1 tables in guest memory at {@code ttb0} (an IPA, 4K-aligned): the walker reads
     * the guest's descriptors through the SMMU's {@link org.iommusim.protocol.memory.GuestMemory}.
     */
    public Cd withGuestTables(long ttb0) {
        return new Cd(valid, asid, s1Domain, r, ha, ttb0, true);
    }

    /** This CD with CD.R set or clear. */
    public Cd withR(boolean record) {
        return new Cd(valid, asid, s1Domain, record, ha, ttb0, guestTables);
    }

    /** This CD with CD.HA set or clear. */
    public Cd withHa(boolean hardwareAccessFlag) {
        return new Cd(valid, asid, s1Domain, r, hardwareAccessFlag, ttb0, guestTables);
    }

    /**
     * A valid CD as Linux writes it (R=1, HA=0, no TTB0).
     * @return the CD
     * @throws IllegalArgumentException if {@code asid} is outside 0..65535 or {@code s1Domain} is null
     */
    public static Cd of(int asid, DomainId s1Domain) {
        return new Cd(true, asid, s1Domain);
    }

    /**
     * A CD with V=0: the substream's transactions are C_BAD_CD.
     * @return the CD
     */
    public static Cd invalid() {
        return new Cd(false, 0, null);
    }
}
