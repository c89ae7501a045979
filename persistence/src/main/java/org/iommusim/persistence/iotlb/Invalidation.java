package org.iommusim.persistence.iotlb;

import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.InvalidationSpan;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNhVaa;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;

/**
 * The single rule deciding which IOTLB entries a command removes (the table in
 * {@link org.iommusim.persistence.iotlb the package documentation}). The shard,
 * the checker and replay tools all call {@link #matches}; nothing else
 * re-states it.
 *
 * <p>Choices where the reference leaves room:
 * <ul>
 *   <li>TTL: a range command with TTL&ne;0 removes only entries whose
 *       {@link IotlbEntry#level() level} equals TTL. The architecture only
 *       forbids under-invalidating entries of that level; removing exactly
 *       them makes a driver that sends a wrong TTL show up as a stale entry.
 *       The entry's granule is not compared with TG: the span already
 *       decides the addresses.</li>
 *   <li>LEAF: every IOTLB entry is a leaf (walk caches are not modelled), so
 *       LEAF=1 removes the same entries as LEAF=0.</li>
 *   <li>EL2 and EL3: the model never creates EL2 or EL3 (hypervisor or
 *       secure) entries, so TLBI_EL2_* and TLBI_EL3_* match nothing.</li>
 *   <li>CFGI_* and every other non-TLBI command: never remove TLB entries.</li>
 * </ul>
 */
public final class Invalidation {
    private Invalidation() {}

    /** Whether {@code command} removes {@code entry}; false for every command that is not a TLBI. */
    public static boolean matches(Command command, IotlbEntry entry) {
        return command instanceof TlbiCommand tlbi && matches(tlbi, entry);
    }

    /** Whether the TLBI {@code command} removes {@code entry}. */
    public static boolean matches(TlbiCommand command, IotlbEntry entry) {
        return switch (command.opcode()) {
            case TLBI_NH_VA -> {
                TlbiNhVa c = (TlbiNhVa) command;
                yield entry.kind().hasStage1() && entry.vmid() == c.vmid() && entry.asid() == c.asid()
                        && inRange(c.span(), c.range(), entry);
            }
            case TLBI_NH_VAA -> {
                TlbiNhVaa c = (TlbiNhVaa) command;
                yield entry.kind().hasStage1() && entry.vmid() == c.vmid() && inRange(c.span(), c.range(), entry);
            }
            case TLBI_NH_ASID -> {
                TlbiNhAsid c = (TlbiNhAsid) command;
                yield entry.kind().hasStage1() && entry.vmid() == c.vmid() && entry.asid() == c.asid();
            }
            case TLBI_NH_ALL -> entry.kind().hasStage1() && entry.vmid() == ((TlbiNhAll) command).vmid();
            case TLBI_S2_IPA -> {
                // Only pure stage-2 entries: a combined entry survives until S12_VMALL or an NH_* command.
                TlbiS2Ipa c = (TlbiS2Ipa) command;
                yield entry.kind() == IotlbEntry.Kind.STAGE2 && entry.vmid() == c.vmid()
                        && inRange(c.span(), c.range(), entry);
            }
            case TLBI_S12_VMALL -> entry.vmid() == ((TlbiS12Vmall) command).vmid();
            case TLBI_NSNH_ALL -> true;
            case TLBI_EL2_ALL, TLBI_EL2_ASID, TLBI_EL2_VA, TLBI_EL2_VAA, TLBI_EL3_ALL, TLBI_EL3_VA -> false;
            default -> throw new IllegalArgumentException(command.opcode() + " is not a TLBI");
        };
    }

    /**
     * Whether {@code command} can remove any entry this IOTLB holds: false for
     * non-TLBI commands (CFGI_* included) and for TLBI_EL2_* / TLBI_EL3_*, so a
     * host need not send them to its shards.
     */
    public static boolean removesTlbEntries(Command command) {
        return switch (command.opcode()) {
            case TLBI_NH_VA, TLBI_NH_VAA, TLBI_NH_ASID, TLBI_NH_ALL, TLBI_S2_IPA, TLBI_S12_VMALL, TLBI_NSNH_ALL -> true;
            default -> false;
        };
    }

    private static boolean inRange(InvalidationSpan span, TlbiRange range, IotlbEntry entry) {
        if (range.ttl() != 0 && entry.level() != range.ttl()) {
            return false;
        }
        return span.overlaps(entry.va(), entry.size());
    }
}
