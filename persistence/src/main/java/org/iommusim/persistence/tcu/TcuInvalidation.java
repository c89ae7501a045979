package org.iommusim.persistence.tcu;

import org.iommusim.protocol.command.InvalidationSpan;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNhVaa;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;

/**
 * The single rule deciding which walk-cache and IPA-cache entries a TLBI
 * removes (reference sections 2 and 8). Scope as for the TLB: NH_* reach
 * stage-1 entries of their VMID (and ASID), S2_IPA stage-2 entries of the
 * VMID, S12_VMALL both stages of the VMID, NSNH_ALL everything, EL2/EL3
 * nothing (the model creates no such entries).
 *
 * <p>LEAF: a by-address TLBI with LEAF=1 removes only leaf (block or page)
 * entries covering the span; table entries above them may stay, so software
 * that freed a table page after such an invalidation leaves a walk-cache
 * entry pointing at freed memory. LEAF=0 removes table entries whose range
 * overlaps the span too. ASID, VMID and ALL variants remove every level. TTL
 * (range commands) restricts only the leaf entries removed to that level, as
 * for the TLB; it never spares a table entry LEAF=0 removes.
 *
 * <p>IPA cache: TLBI_S2_IPA removes the entries overlapping its span whatever
 * LEAF says (every IPA-cache entry is a final stage-2 result), S12_VMALL those
 * of the VMID, NSNH_ALL all.
 */
public final class TcuInvalidation {
    private TcuInvalidation() {}

    /** Whether {@code c} removes walk-cache entry {@code e} of {@code stage} (1 or 2) at {@code level}. */
    public static boolean removes(TlbiCommand c, int stage, int level, WalkEntry e) {
        return switch (c.opcode()) {
            case TLBI_NH_VA -> {
                TlbiNhVa v = (TlbiNhVa) c;
                yield stage == 1 && e.vmid() == v.vmid() && e.asid() == v.asid()
                        && byAddress(v.span(), v.range(), v.leaf(), level, e);
            }
            case TLBI_NH_VAA -> {
                TlbiNhVaa v = (TlbiNhVaa) c;
                yield stage == 1 && e.vmid() == v.vmid() && byAddress(v.span(), v.range(), v.leaf(), level, e);
            }
            case TLBI_NH_ASID -> stage == 1 && e.vmid() == ((TlbiNhAsid) c).vmid() && e.asid() == ((TlbiNhAsid) c).asid();
            case TLBI_NH_ALL -> stage == 1 && e.vmid() == ((TlbiNhAll) c).vmid();
            case TLBI_S2_IPA -> {
                TlbiS2Ipa v = (TlbiS2Ipa) c;
                yield stage == 2 && e.vmid() == v.vmid() && byAddress(v.span(), v.range(), v.leaf(), level, e);
            }
            case TLBI_S12_VMALL -> e.vmid() == ((TlbiS12Vmall) c).vmid();
            case TLBI_NSNH_ALL -> true;
            default -> false;
        };
    }

    /** Whether {@code c} removes IPA-cache entry {@code e}. */
    public static boolean removes(TlbiCommand c, IpaEntry e) {
        return switch (c.opcode()) {
            case TLBI_S2_IPA -> {
                TlbiS2Ipa v = (TlbiS2Ipa) c;
                long base = (e.page() << IpaEntry.PAGE_SHIFT) & -e.leafSize();
                yield e.vmid() == v.vmid() && v.span().overlaps(base, e.leafSize());
            }
            case TLBI_S12_VMALL -> e.vmid() == ((TlbiS12Vmall) c).vmid();
            case TLBI_NSNH_ALL -> true;
            default -> false;
        };
    }

    private static boolean byAddress(InvalidationSpan span, TlbiRange range, boolean leafOnly, int level,
            WalkEntry e) {
        if (!span.overlaps(e.base(), e.size())) {
            return false;
        }
        if (!e.leaf()) {
            return !leafOnly;
        }
        return range.ttl() == 0 || range.ttl() == level;
    }
}
