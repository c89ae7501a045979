package org.iommusim.simulations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The turn breakdown counts the turns a strict packet takes (what its
 * figures are the time of): counts, not times, so they are the same on any
 * machine. A change in how the model persists shows here first.
 * (Before the acknowledgement markers, a TLBI + CMD_SYNC took three journal
 * turns: the SMMU's consumption, the TBU's and TCU's records, the sync's
 * completion.)
 */
class TurnBreakdownTest {
    private static final String JOURNAL = "/system/pekko.persistence.journal.leveldb";

    @Test
    void aStrictPacketsStepsTakeTheirPersistCycles() throws Exception {
        List<TurnBreakdown.Step> steps = TurnBreakdown.run(200);
        assertEquals(List.of("map", "4 x translate", "unmap", "TLBI + CMD_SYNC"),
                steps.stream().map(TurnBreakdown.Step::name).toList());
        assertEquals(1.0, turns(steps.get(0), JOURNAL), 1e-9, "map: one journal write");
        assertEquals(2.0, turns(steps.get(0), "/user/domains/domain-1"), 1e-9, "map: the command, then its write's answer");
        assertEquals(0.0, turns(steps.get(1), JOURNAL), 1e-9, "IOTLB hits write nothing");
        assertEquals(1.0, turns(steps.get(2), JOURNAL), 1e-9, "unmap: one journal write");
        // the SMMU runs the TBU worker's and the TCU's invalidation handlers in its own turn (they acknowledge
        // ahead of their records, written behind with the fills), so the CMD_SYNC completes in the TLBI's write
        assertEquals(1.0, turns(steps.get(3), JOURNAL), 1e-9,
                "TLBI + CMD_SYNC: one write, the TLBI's consumption and the sync's completion");
        assertEquals(2.0, turns(steps.get(3), "/user/smmu-0/smmu"), 1e-9, "the command, then its write's answer");
        assertEquals(0.0, turns(steps.get(3), "/user/smmu-0/worker-0"), 1e-9, "no Invalidate message to the worker");
        assertEquals(0.0, turns(steps.get(3), "/user/smmu-0/tcu"), 1e-9, "no Invalidate message to the TCU");
        for (TurnBreakdown.Step s : steps) {
            double turnsTime = s.turnMicros().values().stream().mapToDouble(Double::doubleValue).sum();
            assertTrue(turnsTime <= s.micros() + 1e-6, s.name() + ": the turns fit in the call");
        }
        assertThrows(IllegalArgumentException.class, () -> TurnBreakdown.run(1));
    }

    private static double turns(TurnBreakdown.Step s, String who) {
        Map<String, Double> t = s.turns();
        return t.getOrDefault(who, 0.0);
    }
}
