package org.iommusim.protocol.config;

import org.iommusim.protocol.domain.DomainId;

/**
 * A context descriptor as software writes it: the ASID and the stage-1
 * (or nested) domain whose table translates this substream.
 *
 * @param valid CD.V: an invalid CD makes the substream's transactions C_BAD_CD
 */
public record Cd(boolean valid, int asid, DomainId s1Domain) {
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

    public static Cd of(int asid, DomainId s1Domain) {
        return new Cd(true, asid, s1Domain);
    }

    public static Cd invalid() {
        return new Cd(false, 0, null);
    }
}
