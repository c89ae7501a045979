package org.iommusim.simulations.replay;

import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.persistence.stream.StreamEvent;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.event.ConfigEvent;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.event.TranslationFault;

/**
 * Whether a recorded event touched an address (and, if given, a stream):
 * a map or unmap segment containing it, a fill of an entry covering it, a TLBI
 * whose span contains it, a fault at it, and for the stream its STE/CD writes,
 * configuration loads (or, with a bounded configuration cache, its CFGIs and
 * the TCU's fills and removals of its STE and CDs). Address overlap only: which entries a TLBI removes
 * is the IOTLB state machine's rule, replayed by {@code state}, not here.
 */
final class AddressTouch {
    private AddressTouch() {}

    static boolean touches(JournalEvent e, Object before, long address, Integer sid) {
        return touches(e, before, address, sid, t -> true);
    }

    /**
     * {@link #touches(JournalEvent, Object, long, Integer)}, counting a TLBI only
     * where {@code concerns} accepts it (the stream's tags, for {@code trace --sid}).
     */
    static boolean touches(JournalEvent e, Object before, long address, Integer sid,
            java.util.function.Predicate<TlbiCommand> concerns) {
        Object p = e.payload();
        if (p instanceof DomainEvent.TableChanged t) {
            if (t.change() instanceof Mapped m) {
                return m.segments().stream().anyMatch(s -> within(address, s.iova(), s.size()));
            }
            return ((Unmapped) t.change()).segments().stream().anyMatch(s -> within(address, s.iova(), s.size()));
        }
        if (p instanceof IotlbEvent.Filled f) {
            return f.entry().covers(address) || (f.victim() != null && f.victim().covers(address));
        }
        if (p instanceof IotlbEvent.Invalidated i) {
            return covers(i.command(), address) && concerns.test(i.command());
        }
        if (p instanceof IotlbEvent.Flushed) {
            return true;
        }
        if (p instanceof org.iommusim.persistence.tcu.TcuEvent.WalkFilled w) {
            return within(address, w.entry().base(), w.entry().size());
        }
        if (p instanceof org.iommusim.persistence.tcu.TcuEvent.IpaFilled f) {
            long size = f.entry().leafSize();
            return within(address, (f.entry().page() << org.iommusim.persistence.tcu.IpaEntry.PAGE_SHIFT) & -size, size);
        }
        if (p instanceof org.iommusim.persistence.tcu.TcuEvent.Invalidated i) {
            return covers(i.command(), address) && concerns.test(i.command());
        }
        if (p instanceof org.iommusim.persistence.tcu.TcuEvent.ConfigFilled f) {
            return sid != null && f.entry().sid() == sid;
        }
        if (p instanceof org.iommusim.persistence.tcu.TcuEvent.GuestCdRead r) {
            return sid != null && r.sid() == sid; // a CD of the stream read and not cached: what replay reads
        }
        if (p instanceof org.iommusim.persistence.tcu.TcuEvent.ConfigInvalidated i) {
            return sid != null && org.iommusim.persistence.tcu.ConfigInvalidation.concerns(i.command(), sid);
        }
        if (p instanceof SmmuChange.Submitted s) {
            return s.entries().stream().anyMatch(r -> covers(r, address, concerns));
        }
        if (p instanceof SmmuChange.Consumed c) {
            if (sid != null && c.loads().stream().map(ConfigLoad::sid).anyMatch(sid::equals)) {
                return true;
            }
            if (sid != null && before instanceof SmmuState s && s.configBounded() && s.commandsIn(c).stream()
                    .anyMatch(cmd -> org.iommusim.persistence.tcu.ConfigInvalidation.concerns(cmd, sid))) {
                return true; // a bounded configuration cache: the CFGI loads nothing, the TCU removes
            }
            return before instanceof SmmuState s
                    && s.commandsIn(c).stream().anyMatch(cmd -> covers(cmd, address) && concerns.test((TlbiCommand) cmd));
        }
        if (p instanceof SmmuChange.FaultsRecorded f) {
            return f.records().stream().anyMatch(r -> faultAt(r, address, sid));
        }
        if (p instanceof StreamEvent) {
            return sid != null && e.persistenceId().endsWith("/sid-" + Integer.toUnsignedString(sid));
        }
        return false;
    }

    private static boolean within(long address, long start, long size) {
        return Long.compareUnsigned(address - start, size) < 0;
    }

    private static boolean covers(RawCommand raw, long address, java.util.function.Predicate<TlbiCommand> concerns) {
        return CommandCodec.decode(raw) instanceof Command c && covers(c, address) && concerns.test((TlbiCommand) c);
    }

    private static boolean covers(Command c, long address) {
        return c instanceof TlbiCommand t && !t.span().isAll() && t.span().overlaps(address & ~0xFFFL, 0x1000);
    }

    private static boolean faultAt(SmmuEvent r, long address, Integer sid) {
        if (sid != null && r.sid() != sid) {
            return false;
        }
        if (r instanceof TranslationFault f) {
            return (f.iova() & ~0xFFFL) == (address & ~0xFFFL);
        }
        return r instanceof ConfigEvent && sid != null;
    }
}
