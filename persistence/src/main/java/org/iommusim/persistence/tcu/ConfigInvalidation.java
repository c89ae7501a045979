package org.iommusim.persistence.tcu;

import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiCdAll;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CfgiSteRange;
import org.iommusim.protocol.command.Command;

/**
 * What a CFGI removes from the TCU's bounded configuration cache (reference
 * section 8; Arm IHI 0070, 4.3): the one rule, used live, on replay and by a
 * restart.
 * <ul>
 *   <li>CFGI_STE (Leaf=0 or 1): the STE of the StreamID and every CD cached
 *       for it (Leaf=1 only lets the SMMU keep the level-1 stream-table
 *       descriptor, which the SMMU's own state holds);</li>
 *   <li>CFGI_STE_RANGE: STEs and CDs of every StreamID in the aligned range
 *       (RANGE=31, CFGI_ALL: everything);</li>
 *   <li>CFGI_CD: the CD of (StreamID, SubstreamID); CFGI_CD_ALL: every CD of
 *       the StreamID, not its STE.</li>
 * </ul>
 * Nothing else (no TLBI) touches it.
 */
public final class ConfigInvalidation {
    private ConfigInvalidation() {}

    /** Whether {@code c} is a command this cache obeys (a CFGI). */
    public static boolean applies(Command c) {
        return c instanceof CfgiSte || c instanceof CfgiSteRange || c instanceof CfgiCd || c instanceof CfgiCdAll;
    }

    public static boolean removes(Command c, ConfigEntry e) {
        if (c instanceof CfgiSte s) {
            return e.sid() == s.sid();
        }
        if (c instanceof CfgiSteRange r) {
            return r.covers(Integer.toUnsignedLong(e.sid()));
        }
        if (c instanceof CfgiCd cd) {
            return !e.isSte() && e.sid() == cd.sid() && e.ssid() == cd.ssid();
        }
        if (c instanceof CfgiCdAll cd) {
            return !e.isSte() && e.sid() == cd.sid();
        }
        return false;
    }

    /** Whether {@code c} is a CFGI that names StreamID {@code sid} (so may remove some of its entries). */
    public static boolean concerns(Command c, int sid) {
        if (c instanceof CfgiSte s) {
            return s.sid() == sid;
        }
        if (c instanceof CfgiSteRange r) {
            return r.covers(Integer.toUnsignedLong(sid));
        }
        if (c instanceof CfgiCd cd) {
            return cd.sid() == sid;
        }
        return c instanceof CfgiCdAll cd && cd.sid() == sid;
    }
}
