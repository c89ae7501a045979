package org.iommusim.persistence.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiRange;
import org.junit.jupiter.api.Test;

class CommandConsumerTest {
    private static final CommandCosts COSTS = CommandCosts.defaults();

    private static List<Command> tlbis(int k) {
        List<Command> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(new TlbiNhVa(0, 1, 0x1000L * i, true, TlbiRange.NONE));
        }
        return out;
    }

    @Test
    void aSyncBehindKCommandsCompletesKCommandCostsLater() {
        for (int k : new int[] {0, 1, 7, 64}) {
            CommandConsumer queued = new CommandConsumer(COSTS);
            queued.consume(1_000, tlbis(k));
            long done = queued.consume(1_000, List.of(CmdSync.poll()));
            CommandConsumer alone = new CommandConsumer(COSTS);
            long aloneDone = alone.consume(1_000, List.of(CmdSync.poll()));
            assertEquals(k * COSTS.tlbiVaNs(), done - aloneDone, "sync behind " + k + " TLBIs");
            assertEquals(1_000 + COSTS.syncNs(), aloneDone);
        }
    }

    @Test
    void anIdleConsumerStartsAtTheArrivalAndABusyOneAtItsBacklog() {
        CommandConsumer c = new CommandConsumer(COSTS);
        assertEquals(100 + 3 * COSTS.tlbiVaNs(), c.consume(100, tlbis(3)));
        assertEquals(3 * COSTS.tlbiVaNs() - 20, c.backlogAt(120));
        // later than the backlog: nothing to wait for
        assertEquals(10_000 + COSTS.tlbiAllNs(), c.consume(10_000, List.of(new TlbiNhAsid(0, 1))));
        assertEquals(4, c.consumed());
    }

    @Test
    void eachKindCostsItsOwnTableEntry() {
        assertEquals(COSTS.tlbiAllNs(), COSTS.of(CommandOpcode.TLBI_S12_VMALL));
        assertEquals(COSTS.tlbiVaNs(), COSTS.of(CommandOpcode.TLBI_S2_IPA));
        assertEquals(COSTS.cfgiNs(), COSTS.of(CommandOpcode.CFGI_CD));
        assertEquals(COSTS.atcNs(), COSTS.of(CommandOpcode.ATC_INV));
        assertEquals(COSTS.syncNs(), COSTS.of(CommandOpcode.CMD_SYNC));
        assertThrows(IllegalArgumentException.class, () -> new CommandCosts(-1, 0, 0, 0, 0, 0));
    }
}
