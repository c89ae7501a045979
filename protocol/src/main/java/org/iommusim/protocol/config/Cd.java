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
 */
public record Cd(boolean valid, int asid, DomainId s1Domain, boolean r, boolean ha) {
    public Cd {
        if (valid) {
            if (asid < 0 || asid > 0xFFFF) {
                throw new IllegalArgumentException("asid=" + asid + " is outside 0..65535");
            }
            if (s1Domain == null) {
                throw new IllegalArgumentException("a valid CD needs a stage-1 domain");
            }
        }
    }

    /** A CD that records faults (R=1) and leaves AF to software (HA=0), as Linux writes it. */
    public Cd(boolean valid, int asid, DomainId s1Domain) {
        this(valid, asid, s1Domain, true, false);
    }

    /** This CD with CD.R set or clear. */
    public Cd withR(boolean record) {
        return new Cd(valid, asid, s1Domain, record, ha);
    }

    /** This CD with CD.HA set or clear. */
    public Cd withHa(boolean hardwareAccessFlag) {
        return new Cd(valid, asid, s1Domain, r, hardwareAccessFlag);
    }

    public static Cd of(int asid, DomainId s1Domain) {
        return new Cd(true, asid, s1Domain);
    }

    public static Cd invalid() {
        return new Cd(false, 0, null);
    }
}
