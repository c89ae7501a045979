package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.iotlb.Entries.s1;
import static org.iommusim.persistence.iotlb.IotlbCodecsTest.bytes;
import static org.iommusim.persistence.iotlb.IotlbCodecsTest.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.junit.jupiter.api.Test;

/**
 * The acknowledgement marker ({@link IotlbEvent.AcksAhead}): a marker set on a TLB already marked (its last run
 * never cleared it: no clean close) empties the TLB, a marker set after a cleared one keeps it; snapshots carry the
 * marker, so the rule holds across them; snapshots written before markers read as not marked.
 */
class AcksAheadTest {

    private static IotlbShard filled() {
        IotlbShard shard = IotlbShard.empty(new IotlbConfig(8, IotlbPolicy.LRU, 1));
        for (int i = 0; i < 4; i++) {
            shard.fill(s1(1, 2, 0x1000L * (i + 1)));
        }
        return shard;
    }

    @Test
    void aMarkerSetOnASetMarkerEmptiesTheTlbAClearedOneKeepsIt() {
        IotlbShard shard = filled();
        IotlbStats before = shard.stats();
        shard.apply(new IotlbEvent.AcksAhead(true)); // a run starts
        assertEquals(4, shard.size(), "a first marker keeps what a clean close left");
        assertTrue(shard.acksAhead());
        shard.apply(new IotlbEvent.AcksAhead(false)); // its clean close
        shard.apply(new IotlbEvent.AcksAhead(true)); // the next run
        assertEquals(4, shard.size(), "a marker after a cleared one keeps the TLB");
        shard.apply(new IotlbEvent.AcksAhead(true)); // a run after one that ended without its close
        assertEquals(0, shard.size(), "the marker found set empties the TLB");
        assertEquals(before, shard.stats(), "counters are kept");
        assertTrue(shard.acksAhead());
    }

    @Test
    void aSnapshotCarriesTheMarkerSoTheRuleHoldsAcrossIt() throws IOException {
        IotlbShard shard = filled();
        shard.apply(new IotlbEvent.AcksAhead(true));
        IotlbSnapshot marked = shard.snapshot();
        assertTrue(marked.acksAhead());
        IotlbSnapshot back = roundTrip(IotlbCodecs.MARKED_SNAPSHOT, marked);
        assertEquals(marked, back);
        IotlbShard restored = IotlbShard.restore(back);
        assertTrue(restored.acksAhead());
        assertEquals(4, restored.size());
        restored.apply(new IotlbEvent.AcksAhead(true));
        assertEquals(0, restored.size(), "restored from a snapshot taken while marked, a new marker empties it");

        shard.apply(new IotlbEvent.AcksAhead(false));
        IotlbSnapshot cleared = roundTrip(IotlbCodecs.MARKED_SNAPSHOT, shard.snapshot());
        assertFalse(cleared.acksAhead());
        IotlbShard clean = IotlbShard.restore(cleared);
        clean.apply(new IotlbEvent.AcksAhead(true));
        assertEquals(4, clean.size());
    }

    @Test
    void snapshotsBeforeMarkersReadAsNotMarkedAndABadFlagIsRefused() throws IOException {
        IotlbShard shard = filled();
        shard.apply(new IotlbEvent.AcksAhead(true));
        IotlbSnapshot old = roundTrip(IotlbCodecs.SNAPSHOT, shard.snapshot()); // the I.T layout has no marker
        assertFalse(old.acksAhead());
        assertEquals(shard.snapshot().entries(), old.entries());
        for (boolean ahead : new boolean[] {false, true}) {
            assertEquals(new IotlbEvent.AcksAhead(ahead), roundTrip(IotlbCodecs.ACKS_AHEAD, new IotlbEvent.AcksAhead(ahead)));
        }
        byte[] bad = bytes(IotlbCodecs.ACKS_AHEAD, new IotlbEvent.AcksAhead(true));
        bad[0] = 2;
        assertThrows(IOException.class,
                () -> IotlbCodecs.ACKS_AHEAD.read(new DataInputStream(new ByteArrayInputStream(bad))));
        byte[] snap = bytes(IotlbCodecs.MARKED_SNAPSHOT, shard.snapshot());
        snap[snap.length - 1] = 7;
        assertThrows(IOException.class,
                () -> IotlbCodecs.MARKED_SNAPSHOT.read(new DataInputStream(new ByteArrayInputStream(snap))));
    }
}
