package org.iommusim.actors.iommufd.internal;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.iommufd.IommufdException;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;

/**
 * Puts commands on the SMMU's queue the way Linux's
 * {@code arm_smmu_cmdq_issue_cmdlist(..., sync=true)} does: batches of at most
 * {@code CMDQ_BATCH_ENTRIES} (64) entries, each closed by a CMD_SYNC, and
 * returns only when the last sync has completed.
 */
public final class CommandBatches {
    /** Linux's CMDQ_BATCH_ENTRIES; one slot of each batch is the CMD_SYNC. */
    public static final int BATCH_ENTRIES = 64;

    private CommandBatches() {}

    public static void issueWithSync(IommuSim sim, Smmu smmu, List<? extends Command> commands) {
        // a small queue (IDR1.CMDQS) must still fit a batch and its sync
        int perBatch = Math.max(1, Math.min(BATCH_ENTRIES, smmu.capabilities().commandQueueCapacity()) - 1);
        try {
            if (commands.isEmpty()) {
                submitAndWait(sim, smmu, List.of(CmdSync.poll()));
                return;
            }
            for (int from = 0; from < commands.size(); from += perBatch) {
                List<Command> batch = new ArrayList<>(commands.subList(from, Math.min(commands.size(), from + perBatch)));
                if (batch.size() + 1 <= smmu.capabilities().commandQueueCapacity()) {
                    batch.add(CmdSync.poll());
                    submitAndWait(sim, smmu, batch);
                } else {
                    submitAndWait(sim, smmu, batch);
                    submitAndWait(sim, smmu, List.of(CmdSync.poll()));
                }
            }
        } catch (ModelException e) {
            // the host only submits entries CommandRules accepts, so a halt here is not the guest's doing;
            // a closed model, a timeout or an interrupt keep their own errno
            throw new IommufdException(ModelErrors.errnoOf(e.kind()), "command queue refused a host batch: "
                    + e.getMessage());
        }
    }

    /**
     * One batch; a queue that others (other vCPUs, other hosts) have filled
     * is waited on until what it holds now has been consumed, then the batch
     * goes again, as {@code arm_smmu_cmdq_poll_until_not_full} waits. Each
     * round waits for real consumption, so it ends: in room, or in the
     * queue's halt (thrown).
     */
    private static void submitAndWait(IommuSim sim, Smmu smmu, List<Command> batch) {
        while (true) {
            try {
                sim.submitAndWait(smmu, batch);
                return;
            } catch (ModelException e) {
                if (e.kind() != ModelException.Kind.QUEUE_FULL) {
                    throw e;
                }
                long prod = sim.smmuView(smmu).commandQueue().prod();
                if (prod > 0) {
                    sim.awaitConsumed(smmu, prod - 1);
                }
            }
        }
    }
}
