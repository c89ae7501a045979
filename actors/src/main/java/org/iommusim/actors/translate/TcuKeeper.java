package org.iommusim.actors.translate;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.smmu.InvalidationPort;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.tcu.Tcu;

/**
 * The TCU's side of the SMMU's invalidation port: one subscriber per SMMU
 * (beside the translation workers, which serve the TBUs' TLBs) that applies
 * every consumed TLBI to the walk caches and the IPA cache of the SMMU's
 * {@link Tcu}, by {@link org.iommusim.persistence.tcu.TcuInvalidation}, and
 * acknowledges it. The SMMU counts that acknowledgement for CMD_SYNC as it
 * counts the workers', so a sync completes only once the TCU's caches, too,
 * no longer hold what the TLBIs before it removed.
 */
public final class TcuKeeper {
    private TcuKeeper() {}

    public static Behavior<InvalidationPort.Invalidate> create(Tcu tcu) {
        return Behaviors.setup(ctx -> Behaviors.receiveMessage(inv -> {
            for (IssuedInvalidation i : inv.invalidations()) {
                tcu.invalidate(i.command());
            }
            inv.ackTo().tell(new SmmuEntity.InvalidationsApplied(ctx.getSelf(), inv.lastSeq()));
            return Behaviors.same();
        }));
    }
}
