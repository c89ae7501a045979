package org.iommusim.actors.translate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The marker is durable only once a write that carried it was answered, never earlier. */
class AcksAheadMarkerTest {
    @Test
    void durableOnlyAfterTheWriteCarryingItIsAnswered() {
        AcksAheadMarker m = new AcksAheadMarker();
        m.written(); // a write answered before the marker was logged
        assertFalse(m.durable());
        m.logged();
        assertTrue(m.pending());
        m.sending(false); // a write without it (the configuration's, in flight)
        m.written();
        assertFalse(m.durable(), "the answered write did not carry the marker");
        assertTrue(m.pending());
        m.sending(true);
        assertFalse(m.pending());
        assertFalse(m.durable(), "sent, not answered yet");
        m.written();
        assertTrue(m.durable());
        m.sending(true); // later writes change nothing
        m.written();
        assertTrue(m.durable());
    }
}
