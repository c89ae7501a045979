package org.iommusim.persistence.tcu;

import static org.iommusim.persistence.tcu.BoundedConfigCacheTest.bySlot;
import static org.iommusim.persistence.tcu.BoundedConfigCacheTest.roundTrip;
import static org.iommusim.persistence.tcu.BoundedConfigCacheTest.s2;
import static org.iommusim.persistence.tcu.BoundedConfigCacheTest.viaCodec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TCU's acknowledgement marker ({@link TcuEvent.AcksAhead}): logged by {@link Tcu#markAcksAhead}; set on
 * caches already marked (no clean close cleared it) it empties every cache, set after a cleared one it keeps them;
 * the log (through the codecs) and a snapshot carry it, so replay and a restart from a snapshot apply the same rule.
 */
class TcuAcksAheadTest {

    private static Tcu filled(List<TcuEvent> log) {
        BoundedConfigCacheTest.Memory m = new BoundedConfigCacheTest.Memory();
        Tcu t = BoundedConfigCacheTest.tcu(8, 2);
        t.recordInto(log, () -> {});
        t.configure();
        for (int sid = 0; sid < 4; sid++) {
            m.ste(sid, s2(sid + 1));
            t.configSte(sid, m);
        }
        return t;
    }

    @Test
    void aMarkerSetOnASetMarkerEmptiesTheCachesAndReplayDoesTheSame() throws IOException {
        List<TcuEvent> log = new ArrayList<>();
        Tcu live = filled(log);
        live.markAcksAhead(true);
        assertEquals(4, bySlot(live).size(), "a first marker keeps the caches");
        live.markAcksAhead(false);
        live.markAcksAhead(true);
        assertEquals(4, bySlot(live).size(), "a marker after a cleared one keeps them");
        TcuSnapshot marked = live.snapshot();
        live.markAcksAhead(true);
        assertTrue(bySlot(live).isEmpty(), "the marker found set empties them");
        assertTrue(live.acksAhead());

        Tcu replayed = BoundedConfigCacheTest.tcu(8, 2);
        for (TcuEvent e : log) {
            replayed.apply(viaCodec(e));
        }
        assertTrue(bySlot(replayed).isEmpty(), "replay of the log empties them at the same marker");
        assertTrue(replayed.acksAhead());

        TcuSnapshot back = roundTrip(TcuCodecs.MARKED_SNAPSHOT, marked);
        assertTrue(back.acksAhead());
        Tcu restored = Tcu.restore(back);
        assertEquals(4, bySlot(restored).size());
        restored.apply(new TcuEvent.AcksAhead(true));
        assertTrue(bySlot(restored).isEmpty(), "restored from a snapshot taken while marked, a new marker empties it");
        java.io.ByteArrayOutputStream old = new java.io.ByteArrayOutputStream();
        TcuCodecs.SNAPSHOT.write(marked, new java.io.DataOutputStream(old)); // the W.snap layout has no marker
        TcuSnapshot read = TcuCodecs.SNAPSHOT.read(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(old.toByteArray())));
        assertFalse(read.acksAhead(), "a snapshot before markers is not marked");
        assertEquals(marked.fills(), read.fills());
    }
}
