package org.iommusim.persistence.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiRange;
import org.junit.jupiter.api.Test;

class SharedCmdqTest {
    private static final CommandCosts COMMANDS = CommandCosts.defaults();
    private static final CmdqCosts CPU = new CmdqCosts(60, 6, 0.5, 60);
    private static final List<Command> UNMAP = List.of(new TlbiNhVa(0, 1, 0x1000, true, TlbiRange.NONE),
            CmdSync.poll());

    @Test
    void oneCpuAloneWaitsItsInsertionItsDoorbellAndTheSmmu() {
        SharedCmdq q = new SharedCmdq(CPU, new CommandConsumer(COMMANDS), 1);
        SharedCmdq.Submission s = q.submit(0, UNMAP);
        long insertion = 6 * 60;
        assertEquals(insertion, s.inserted());
        assertEquals(insertion + 60, s.doorbell());
        assertEquals(insertion + 60 + COMMANDS.tlbiVaNs() + COMMANDS.syncNs(), s.latency());
        assertFalse(s.gathered());
    }

    @Test
    void twoCpusContendingRaiseTheSecondSyncsLatencyAsTheModelPredicts() {
        SharedCmdq q = new SharedCmdq(CPU, new CommandConsumer(COMMANDS), 2);
        SharedCmdq.Submission first = q.submit(0, UNMAP);
        SharedCmdq.Submission second = q.submit(0, UNMAP);
        // the second waits for the line (360 ns), then goes round its cmpxchg loops once more per CPU ahead:
        // 6 + 0.5 x 1 accesses of 60 ns = 390 ns
        assertEquals(360 + 390, second.inserted());
        // the first CPU had written prod by 420, before this insertion ended: this one is the owner now
        assertFalse(second.gathered());
        assertEquals(750 + 60, second.doorbell());
        assertEquals(810 + COMMANDS.tlbiVaNs() + COMMANDS.syncNs(), second.completed());
        assertTrue(second.latency() > first.latency());
        assertEquals(390, second.latency() - first.latency()); // the SMMU is idle again by 810
    }

    @Test
    void aCpuInsertingWhileAnotherOwnsTheQueueIsGatheredIntoTheOwnersDoorbell() {
        CmdqCosts quickLine = new CmdqCosts(1, 1, 0, 500);
        SharedCmdq q = new SharedCmdq(quickLine, new CommandConsumer(COMMANDS), 4);
        SharedCmdq.Submission owner = q.submit(0, UNMAP);
        SharedCmdq.Submission rider = q.submit(10, UNMAP);
        assertFalse(owner.gathered());
        assertTrue(rider.gathered());
        assertEquals(owner.doorbell(), rider.doorbell());
        // the SMMU takes the owner's entries first, then the rider's: its sync waits for both
        assertEquals(owner.completed() + COMMANDS.tlbiVaNs() + COMMANDS.syncNs(), rider.completed());
        assertEquals(1, q.gathered());
    }

    @Test
    void moreCpusMeanMoreRetriesOnceTheLineIsQueued() {
        long[] latencyOfLast = new long[3];
        int[] cpus = {2, 8, 32};
        for (int i = 0; i < cpus.length; i++) {
            SharedCmdq q = new SharedCmdq(CPU, new CommandConsumer(COMMANDS), cpus[i]);
            SharedCmdq.Submission last = null;
            for (int n = 0; n < 64; n++) {
                last = q.submit(0, UNMAP);
            }
            latencyOfLast[i] = last.latency();
        }
        assertTrue(latencyOfLast[0] < latencyOfLast[1] && latencyOfLast[1] < latencyOfLast[2],
                java.util.Arrays.toString(latencyOfLast));
        assertThrows(IllegalArgumentException.class, () -> new SharedCmdq(CPU, new CommandConsumer(COMMANDS), 0));
    }

    @Test
    void perCpuQueuesRemoveTheInsertionContentionButNotTheSharedConsumer() {
        SharedCmdq shared = new SharedCmdq(CPU, new CommandConsumer(COMMANDS), 32);
        SharedCmdq ecmdq = new SharedCmdq(CPU.withPerCpuQueues(), new CommandConsumer(COMMANDS), 32);
        SharedCmdq.Submission lastShared = null;
        SharedCmdq.Submission lastOwn = null;
        for (int n = 0; n < 32; n++) {
            lastShared = shared.submit(0, UNMAP);
            lastOwn = ecmdq.submit(0, UNMAP);
        }
        // every CPU inserts at once into its own queue
        assertEquals(6 * 60, lastOwn.inserted());
        assertTrue(lastOwn.completed() < lastShared.completed(), lastOwn + " / " + lastShared);
        // the one SMMU engine still takes the 32 unmaps' commands one after another
        assertEquals(6 * 60 + 60 + 32 * (COMMANDS.tlbiVaNs() + COMMANDS.syncNs()), lastOwn.completed());
        assertEquals(0, ecmdq.gathered());
    }
}
