package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.pekko.dispatch.Mailbox;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IommuSim#submitAndWait} is one request to the SMMU, answered once
 * every entry is consumed (the CMD_SYNC complete), with the same answers and
 * refusals as a submission followed by {@link IommuSim#awaitConsumed}.
 */
class SubmitAndWaitTest {

    @Test
    void oneRequestToTheSmmuAnsweredWhenTheSyncHasCompleted(@TempDir Path dir) {
        NativeLevelDb.load();
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            long[] toNode = {0};
            // in deterministic mode nothing else runs during the node's turn: what its mailbox holds as a turn
            // starts is every message it gets
            ModelInternals.deterministicRuntime(sim).executor().observe(task -> {
                if (task instanceof Mailbox m && m.actor().self().path().toStringWithoutAddress().equals("/user/smmu-0")) {
                    toNode[0] += m.numberOfMessages();
                }
            });
            LongSupplier taken = () -> {
                sim.runUntilIdle(); // what a call left queued (the node's GroupWritten) counts for that call
                long n = toNode[0];
                toNode[0] = 0;
                return n;
            };
            List<? extends org.iommusim.protocol.command.Command> tlbiAndSync =
                    List.of(new TlbiNhAsid(0, 5), CmdSync.poll());
            long syncsBefore = sim.smmuView(smmu).syncsCompleted();
            taken.getAsLong();

            long prod = sim.submit(smmu, tlbiAndSync);
            long cons = sim.awaitConsumed(smmu, prod - 1);
            long twoCalls = taken.getAsLong();
            assertEquals(prod, cons);

            long consumed = sim.submitAndWait(smmu, tlbiAndSync);
            long oneCall = taken.getAsLong();
            assertEquals(prod + 2, consumed, "answered with the consumer index past both entries");
            assertEquals(syncsBefore + 2, sim.smmuView(smmu).syncsCompleted(), "its CMD_SYNC had completed");

            taken.getAsLong(); // not the view's read
            sim.submit(smmu, tlbiAndSync);
            long submitOnly = taken.getAsLong();
            ModelInternals.deterministicRuntime(sim).executor().observe(null);
            assertEquals(submitOnly, oneCall, "as many messages to the SMMU's node as a submission alone");
            assertEquals(2, oneCall, "the request and the SMMU's word that its write is done");
            assertEquals(2 * oneCall, twoCalls, "half as many as a submission and a wait");
        }
    }

    @Test
    void aHaltedQueueRefusesWithTheErrorAndTheReason(@TempDir Path dir) {
        NativeLevelDb.load();
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            long prod = sim.smmuView(smmu).commandQueue().prod();
            ModelException e = assertThrows(ModelException.class, () -> sim.submitRawAndWait(smmu,
                    List.of(CmdSync.poll().encode(), new RawCommand(0x7F, 0), CmdSync.poll().encode())));
            assertEquals(ModelException.Kind.CERROR_ILL, e.kind());
            assertEquals("command queue halted at entry " + (prod + 1) + ": unknown opcode 0x7f", e.getMessage());
            assertEquals(prod + 1, sim.smmuView(smmu).commandQueue().cons(), "CMDQ_CONS stays on the bad entry");
            // the same answer as waiting on its own
            ModelException alone = assertThrows(ModelException.class, () -> sim.awaitConsumed(smmu, prod + 2));
            assertEquals(e.getMessage(), alone.getMessage());

            ModelException refused = assertThrows(ModelException.class, () -> sim.submitAndWait(smmu, List.of()));
            assertEquals(ModelException.Kind.REJECTED, refused.kind());
            assertEquals("empty batch", refused.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sim.submitAndWaitAsync(smmu, java.util.Arrays.asList(
                    CmdSync.poll(), null)));

            sim.resume(smmu, CmdSync.poll().encode());
            assertEquals(prod + 4, sim.submitAndWait(smmu, List.of(CmdSync.poll())), "resumed, the queue runs on");
            sim.close();
            ModelException closed = assertThrows(ModelException.class,
                    () -> sim.submitAndWait(smmu, List.of(CmdSync.poll())));
            assertEquals(ModelException.Kind.CLOSED, closed.kind());
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
    }
}
