package org.iommusim.persistence.timing;

import java.util.List;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.command.Command;

/**
 * One SMMU's resources in virtual time: the link between its TBUs and its TCU
 * with its outstanding translation requests ({@link TbuTcuLink}, the TCU's
 * translation slots), its page-table-walk slots, and its command queue shared
 * by the CPUs ({@link SharedCmdq}). The rules of what a translation or a submission costs
 * live here and in the cost records; simulations, the validation scenarios and
 * any other caller ask this class, never restate them.
 */
public final class SmmuTiming {
    private final TranslationTiming translation;
    private final TbuTcuLink link;
    private final SlotPool walkSlots;
    private final SharedCmdq cmdq;

    /**
     * One translation's time: when it was asked, when it was answered, and
     * for a miss how long it waited for the link (for an outstanding slot).
     */
    public record Translation(long at, long linkWaitNs, long answered) {
        public long latency() {
            return answered - at;
        }
    }

    public SmmuTiming(TranslationTiming translation, CommandCosts commands, CmdqCosts cmdq, int cpus) {
        this.translation = java.util.Objects.requireNonNull(translation, "translation");
        this.link = new TbuTcuLink(translation.linkNs(), translation.translationSlots());
        this.walkSlots = new SlotPool(translation.walkSlots());
        this.cmdq = new SharedCmdq(cmdq, new CommandConsumer(commands), cpus);
    }

    /**
     * A translation asked at {@code at} that took {@code path}, reading
     * {@code walkReads} descriptors if it missed. A hit (or an answer from
     * the configuration alone) is answered in the TBU after its lookup. A miss
     * after the lookup crosses the link to the TCU (waiting for an outstanding
     * slot if all are taken), waits for a walk slot, walks, and crosses back.
     */
    public Translation translate(long at, Outcome.Path path, int walkReads) {
        long lookedUp = at + translation.hit();
        if (path != Outcome.Path.MISS) {
            return new Translation(at, 0, lookedUp);
        }
        long walk = translation.walk(walkReads);
        long waitsBefore = link.outstanding().waitedNs();
        long answered = link.roundTrip(lookedUp, arrival -> walkSlots.acquire(arrival, walk) + walk);
        return new Translation(at, link.outstanding().waitedNs() - waitsBefore, answered);
    }

    /** A CPU submits {@code entries} (ending in a CMD_SYNC if it will wait) at {@code at}. */
    public SharedCmdq.Submission submit(long at, List<? extends Command> entries) {
        return cmdq.submit(at, entries);
    }

    public TranslationTiming translationCosts() {
        return translation;
    }

    /** The TCU's translation slots: the link's outstanding requests (misses only). */
    public SlotPool translationSlots() {
        return link.outstanding();
    }

    public TbuTcuLink link() {
        return link;
    }

    public SlotPool walkSlots() {
        return walkSlots;
    }

    public SharedCmdq cmdq() {
        return cmdq;
    }
}
