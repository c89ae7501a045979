package org.iommusim.persistence.ids;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.capability.SmmuCapabilities;

/**
 * The pure state machine of one SMMU's VMID and ASID allocator: state +
 * request -> decision, state + event -> state. As Linux does (a per-SMMU
 * {@code ida} for VMIDs, an xarray for ASIDs), the lowest free id is handed
 * out; unlike a bare bitmap, a released id is not free until the
 * invalidation of everything cached under it has completed, so a new owner
 * can never hit a translation the old one left behind. The widths are the
 * SMMU's ({@code caps}), given to each decision rather than recorded.
 */
public record IdState(IdPool vmids, IdPool asids) implements JournalSerializable {
    public static final IdState EMPTY = new IdState(IdPool.EMPTY, IdPool.EMPTY);

    public IdPool pool(IdKind kind) {
        return kind == IdKind.VMID ? vmids : asids;
    }

    /** The lowest free id of {@code kind}; refused when the SMMU lacks the stage or every id is taken. */
    public IdDecision decideAllocate(IdKind kind, SmmuCapabilities caps) {
        Optional<String> unsupported = kind.unsupported(caps);
        if (unsupported.isPresent()) {
            return new IdDecision.Reject(new IdError(IdError.Kind.ID_UNSUPPORTED, unsupported.get()));
        }
        IdPool p = pool(kind);
        int id = p.lowestFree(kind.max(caps));
        if (id < 0) {
            int waiting = p.awaitingFlushIds().size();
            return new IdDecision.Reject(new IdError(IdError.Kind.ID_EXHAUSTED, "all " + kind.max(caps) + " "
                    + kind.bits(caps) + "-bit " + kind + "s are taken (" + waiting + " of them awaiting their flush)"));
        }
        return new IdDecision.Accept(List.of(new IdEvent.IdAllocated(kind, id)));
    }

    /**
     * Releasing an id in use: it then awaits its flush. Releasing an id that
     * already awaits its flush is accepted with nothing to record (its flush
     * is simply due again); any other id is refused.
     */
    public IdDecision decideRelease(IdKind kind, int id) {
        IdPool p = pool(kind);
        if (p.awaitingFlush(id)) {
            return new IdDecision.Accept(List.of());
        }
        if (!p.inUse(id)) {
            return new IdDecision.Reject(new IdError(IdError.Kind.ID_NOT_IN_USE, kind + " " + id + " is not allocated"));
        }
        return new IdDecision.Accept(List.of(new IdEvent.IdReleased(kind, id)));
    }

    /**
     * A flush covering {@code ids} has completed: those still awaiting one
     * become free. Ids flushed meanwhile by another flush are left out, so
     * overlapping flushes are harmless.
     */
    public IdDecision decideFlushed(IdKind kind, Collection<Integer> ids) {
        List<IdEvent> events = new ArrayList<>();
        IdPool p = pool(kind);
        for (int id : ids) {
            if (p.awaitingFlush(id)) {
                events.add(new IdEvent.IdFlushed(kind, id));
            }
        }
        return new IdDecision.Accept(events);
    }

    public IdState apply(IdEvent event) {
        IdPool p = pool(event.kind());
        IdPool next;
        if (event instanceof IdEvent.IdAllocated a) {
            next = p.allocated(a.id());
        } else if (event instanceof IdEvent.IdReleased r) {
            next = p.released(r.id());
        } else {
            next = p.flushed(((IdEvent.IdFlushed) event).id());
        }
        return event.kind() == IdKind.VMID ? new IdState(next, asids) : new IdState(vmids, next);
    }
}
