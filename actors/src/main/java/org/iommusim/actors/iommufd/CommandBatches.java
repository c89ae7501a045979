package org.iommusim.actors.iommufd;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;

/**
 * Puts commands on the SMMU's queue the way Linux's
 * {@code arm_smmu_cmdq_issue_cmdlist(..., sync=true)} does: batches of at most
 * {@code CMDQ_BATCH_ENTRIES} (64) entries, each closed by a CMD_SYNC, and
 * returns only when the last sync has completed.
 */
final class CommandBatches {
    /** Linux's CMDQ_BATCH_ENTRIES; one slot of each batch is the CMD_SYNC. */
    static final int BATCH_ENTRIES = 64;

    private CommandBatches() {}

    static void issueWithSync(IommuSim sim, Smmu smmu, List<? extends Command> commands) {
        // a small queue (IDR1.CMDQS) must still fit a batch and its sync
        int perBatch = Math.max(1, Math.min(BATCH_ENTRIES, smmu.capabilities().commandQueueCapacity()) - 1);
        try {
            if (commands.isEmpty()) {
                sim.submitAndWait(smmu, List.of(CmdSync.poll()));
                return;
            }
            for (int from = 0; from < commands.size(); from += perBatch) {
                List<Command> batch = new ArrayList<>(commands.subList(from, Math.min(commands.size(), from + perBatch)));
                if (batch.size() + 1 <= smmu.capabilities().commandQueueCapacity()) {
                    batch.add(CmdSync.poll());
                    sim.submitAndWait(smmu, batch);
                } else {
                    sim.submitAndWait(smmu, batch);
                    sim.submitAndWait(smmu, List.of(CmdSync.poll()));
                }
            }
        } catch (ModelException e) {
            // the host only submits entries CommandRules accepts, so a halt here is a model bug, not a guest's doing
            throw new IommufdException(Errno.EIO, "command queue refused a host batch: " + e.getMessage());
        }
    }
}
