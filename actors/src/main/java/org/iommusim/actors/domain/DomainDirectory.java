package org.iommusim.actors.domain;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;

/**
 * Finds (spawning on first use) the {@link DomainEntity} for a domain id, and
 * resolves a nested domain's parent spec before allocation, so the pure
 * allocation rule sees the real parent rather than the caller's claim.
 */
public final class DomainDirectory extends AbstractBehavior<DomainDirectory.Command> {

    /** Messages the directory accepts. */

    public sealed interface Command {}

    /** Allocate {@code id} with {@code spec} on an SMMU with {@code caps}. */
    public record Allocate(DomainId id, DomainSpec spec, SmmuCapabilities caps,
            ActorRef<DomainEntity.Reply> replyTo) implements Command {}

    /** Deliver a command to a domain (map, unmap, free, get state). */
    public record Deliver(DomainId id, DomainEntity.Command command) implements Command {}

    private final DomainEntity.Settings settings;
    private final PageTableViews views;

    private DomainDirectory(ActorContext<Command> ctx, DomainEntity.Settings settings, PageTableViews views) {
        super(ctx);
        this.settings = settings;
        this.views = views;
    }

    public static Behavior<Command> create(DomainEntity.Settings settings, PageTableViews views) {
        return Behaviors.setup(ctx -> new DomainDirectory(ctx, settings, views));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Allocate.class, this::onAllocate)
                .onMessage(Deliver.class, d -> {
                    domain(d.id()).tell(d.command());
                    return this;
                })
                .build();
    }

    /**
     * A nested domain's parent is read from the published views, which hold
     * exactly the allocated domains (a domain publishes before it answers), so
     * no message goes to the parent and nothing waits in its stash.
     */
    private Behavior<Command> onAllocate(Allocate a) {
        Optional<DomainSpec> parent = a.spec().parent() == null ? Optional.empty()
                : views.get(a.spec().parent()).map(PageTable::spec);
        domain(a.id()).tell(new DomainEntity.Allocate(a.spec(), a.caps(), parent, a.replyTo()));
        return this;
    }

    private ActorRef<DomainEntity.Command> domain(DomainId id) {
        String name = id.persistenceId();
        return getContext().getChild(name)
                .map(ref -> ref.<DomainEntity.Command>unsafeUpcast())
                .orElseGet(() -> getContext().spawn(DomainEntity.create(id, settings, views), name));
    }
}
