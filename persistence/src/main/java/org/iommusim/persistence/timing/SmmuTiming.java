package org.iommusim.persistence.timing;

import java.util.List;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.command.Command;

/**
 * One SMMU's resources in virtual time: its translation slots, its
 * page-table-walk slots, and its command queue shared by the CPUs
 * ({@link SharedCmdq}). The rules of what a translation or a submission costs
 * live here and in the cost records; simulations, the validation scenarios and
 * any other caller ask this class, never restate them.
 */
public final class SmmuTiming {
    private final TranslationTiming translation;
    private final SlotPool translationSlots;
    private final SlotPool walkSlots;
    private final SharedCmdq cmdq;

    /** One translation's time: when it was asked, when a slot took it, when it was answered. */
    public record Translation(long at, long started, long answered) {
        public long latency() {
            return answered - at;
        }
    }

    public SmmuTiming(TranslationTiming translation, CommandCosts commands, CmdqCosts cmdq, int cpus) {
        this.translation = java.util.Objects.requireNonNull(translation, "translation");
        this.translationSlots = new SlotPool(translation.translationSlots());
        this.walkSlots = new SlotPool(translation.walkSlots());
        this.cmdq = new SharedCmdq(cmdq, new CommandConsumer(commands), cpus);
    }

    /**
     * A translation asked at {@code at} that took {@code path}, reading
     * {@code walkReads} descriptors if it missed: it waits for a translation
     * slot, and a miss for a walk slot as well, which it holds for the walk.
     */
    public Translation translate(long at, Outcome.Path path, int walkReads) {
        long started = translationSlots.freeAt(at);
        long answered;
        if (path == Outcome.Path.MISS) {
            long lookedUp = started + translation.hit();
            long walk = translation.walk(walkReads);
            answered = walkSlots.acquire(lookedUp, walk) + walk;
        } else {
            answered = started + translation.hit();
        }
        translationSlots.acquire(at, answered - started);
        return new Translation(at, started, answered);
    }

    /** A CPU submits {@code entries} (ending in a CMD_SYNC if it will wait) at {@code at}. */
    public SharedCmdq.Submission submit(long at, List<? extends Command> entries) {
        return cmdq.submit(at, entries);
    }

    public TranslationTiming translationCosts() {
        return translation;
    }

    public SlotPool translationSlots() {
        return translationSlots;
    }

    public SlotPool walkSlots() {
        return walkSlots;
    }

    public SharedCmdq cmdq() {
        return cmdq;
    }
}
