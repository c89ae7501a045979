package org.iommusim.persistence.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.event.AccessAttributes;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.Origin;
import org.iommusim.protocol.event.SmmuEvent;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    private static List<SmmuEvent> faults(int n, int base) {
        List<SmmuEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(FTranslation.stage1(Origin.stream(1), (base + i) * 0x1000L, AccessAttributes.read()));
        }
        return out;
    }

    @Test
    void fullQueueSetsOverflowCountsTheLossAndDisturbsNothingElse() {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.builder().eventqs(2).build());
        List<SmmuEvent> first = faults(4, 0);
        f.apply(List.of(new SmmuChange.FaultsRecorded(first)));
        assertFalse(f.state.events().overflow());
        f.apply(List.of(new SmmuChange.FaultsRecorded(faults(3, 100))));
        assertTrue(f.state.events().overflow());
        assertEquals(3, f.state.events().lost());
        assertEquals(first, f.state.events().records(), "queued records are untouched");
        assertEquals(7, f.state.events().recorded());
        // the reader consumes two and acknowledges; room for two more
        f.apply(((SmmuDecision.Accept) f.state.decideConsumeEvents(2)).events());
        f.apply(List.of(new SmmuChange.FaultsRecorded(faults(2, 200))));
        assertEquals(4, f.state.events().records().size());
        assertEquals(3, f.state.events().lost());
        assertTrue(f.state.events().overflow(), "the flag stays until acknowledged");
        f.apply(List.of(new SmmuChange.OverflowAcknowledged()));
        assertFalse(f.state.events().overflow());
        assertEquals(f.state, f.replay());
    }

    @Test
    void acknowledgingMoreThanQueuedIsRefused() {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.defaults());
        assertEquals("cannot acknowledge 1 records; 0 are queued",
                ((SmmuDecision.Reject) f.state.decideConsumeEvents(1)).reason());
    }
}
