package org.iommusim.persistence.domain;

import java.util.Optional;
import org.iommusim.persistence.pagetable.Decision;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.UnmapBatch;

/**
 * The pure state machine of one domain entity: state + command -> decision,
 * state + event -> state. The domain actor, the replay tools and the checker
 * all run it; none of them re-implements a rule.
 */
public sealed interface DomainState extends JournalSerializable {

    DomainState apply(DomainEvent event);

    default DomainDecision decideAllocate(DomainId id, DomainSpec spec, SmmuCapabilities caps,
            Optional<DomainSpec> parent) {
        return DomainDecision.reject(DomainError.of(DomainError.Kind.ALREADY_ALLOCATED, id + " is already allocated"));
    }

    default DomainDecision decideMap(DomainId id, MapBatch batch) {
        return DomainDecision.reject(unknown(id));
    }

    default DomainDecision decideUnmap(DomainId id, UnmapBatch batch) {
        return DomainDecision.reject(unknown(id));
    }

    default DomainDecision decideFree(DomainId id) {
        return DomainDecision.reject(unknown(id));
    }

    /** The page table, for allocated domains. */
    default Optional<PageTable> table() {
        return Optional.empty();
    }

    private static DomainError unknown(DomainId id) {
        return DomainError.of(DomainError.Kind.UNKNOWN_DOMAIN, "no domain " + id + " (never allocated, or freed)");
    }

    static DomainState initial() {
        return Unallocated.INSTANCE;
    }

    /** Not allocated yet: only allocation is accepted. */
    final class Unallocated implements DomainState {
        static final Unallocated INSTANCE = new Unallocated();

        private Unallocated() {}

        @Override
        public DomainDecision decideAllocate(DomainId id, DomainSpec spec, SmmuCapabilities caps,
                Optional<DomainSpec> parent) {
            return DomainAllocation.check(spec, caps, parent)
                    .<DomainDecision>map(DomainDecision::reject)
                    .orElseGet(() -> DomainDecision.accept(new DomainEvent.Allocated(spec)));
        }

        @Override
        public DomainState apply(DomainEvent event) {
            if (event instanceof DomainEvent.Allocated a) {
                return new Active(PageTable.empty(a.spec()));
            }
            throw new IllegalStateException("unallocated domain cannot apply " + event);
        }

        @Override
        public String toString() {
            return "Unallocated";
        }
    }

    /** Allocated: maps and unmaps change its page table. */
    record Active(PageTable pageTable) implements DomainState {
        public DomainSpec spec() {
            return pageTable.spec();
        }

        @Override
        public Optional<PageTable> table() {
            return Optional.of(pageTable);
        }

        @Override
        public DomainDecision decideMap(DomainId id, MapBatch batch) {
            return fromTable(pageTable.decideMap(batch));
        }

        @Override
        public DomainDecision decideUnmap(DomainId id, UnmapBatch batch) {
            return fromTable(pageTable.decideUnmap(batch));
        }

        @Override
        public DomainDecision decideFree(DomainId id) {
            return DomainDecision.accept(new DomainEvent.Freed());
        }

        private static DomainDecision fromTable(Decision<?> d) {
            if (d instanceof Decision.Accepted<?> a) {
                return DomainDecision.accept(new DomainEvent.TableChanged(a.event()));
            }
            return DomainDecision.reject(DomainError.pageTable(((Decision.Rejected<?>) d).error()));
        }

        @Override
        public DomainState apply(DomainEvent event) {
            if (event instanceof DomainEvent.TableChanged c) {
                return new Active(pageTable.apply(c.change()));
            }
            if (event instanceof DomainEvent.Freed) {
                return new Freed(pageTable.spec());
            }
            throw new IllegalStateException("active domain cannot apply " + event);
        }
    }

    /** Freed: every request is refused as for an unknown domain. */
    record Freed(DomainSpec spec) implements DomainState {
        @Override
        public DomainDecision decideAllocate(DomainId id, DomainSpec s, SmmuCapabilities caps,
                Optional<DomainSpec> parent) {
            return DomainDecision.reject(DomainError.of(DomainError.Kind.ALREADY_ALLOCATED,
                    id + " was freed; domain ids are not reused"));
        }

        @Override
        public DomainState apply(DomainEvent event) {
            throw new IllegalStateException("freed domain cannot apply " + event);
        }
    }
}
