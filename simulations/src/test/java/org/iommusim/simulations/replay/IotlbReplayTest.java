package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.replay.IotlbFolder;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.ReplayedIotlb;
import org.iommusim.persistence.replay.StateReplay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IOTLB shard replay from the hand-written {@link IotlbJournal}: fills with
 * eviction, invalidations, a snapshot. The replayed entries are the live
 * shard's, from the snapshot or from the start; the listings match the
 * expected files; the journal is unchanged.
 */
class IotlbReplayTest {

    @Test
    void replayRebuildsTheLiveEntriesFromTheSnapshotOrFromTheStart(@TempDir Path tmp) throws Exception {
        IotlbShard live = IotlbJournal.write(tmp);
        try (JournalReader r = JournalReader.open(tmp)) {
            ReplayedIotlb fromSnapshot = StateReplay.at(r, IotlbJournal.SHARD, 9, new IotlbFolder()).state();
            assertTrue(fromSnapshot.configKnown());
            assertEquals(new HashSet<>(live.entries()), new HashSet<>(fromSnapshot.shard().entries()));
            assertEquals(live.stats().withoutLookups(), fromSnapshot.shard().stats().withoutLookups());
        }
        // without the snapshot: same entries, the configuration unknown
        java.nio.file.Files.list(tmp.resolve("snapshots")).forEach(f -> f.toFile().delete());
        try (JournalReader r = JournalReader.open(tmp)) {
            ReplayedIotlb fromStart = StateReplay.at(r, IotlbJournal.SHARD, 9, new IotlbFolder()).state();
            assertEquals(false, fromStart.configKnown());
            assertEquals(new HashSet<>(live.entries()), new HashSet<>(fromStart.shard().entries()));
            assertEquals(live.stats().withoutLookups(), fromStart.shard().stats());
        }
    }

    @Test
    void listingsMatchTheExpectedFilesAndChangeNothing(@TempDir Path tmp) throws Exception {
        IotlbJournal.write(tmp);
        Map<String, String> before = DirectoryHash.of(tmp);
        String d = tmp.toString();
        for (List<String> c : List.of(
                List.of("log", "--journal", d, "--entity", IotlbJournal.SHARD, "iotlb-log.txt"),
                List.of("log", "--journal", d, "--json", "iotlb-export.jsonl"),
                List.of("state", "--journal", d, "--entity", IotlbJournal.SHARD, "state-iotlb-1.txt"),
                List.of("state", "--journal", d, "--entity", IotlbJournal.SHARD, "--at", "4", "state-iotlb-1-at-4.txt"))) {
            ReplayCli r = ReplayCli.run(c.subList(0, c.size() - 1).toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(Expected.text(c.get(c.size() - 1)), r.out(), c.toString());
            assertEquals(before, DirectoryHash.of(tmp), "the journal directory changed");
        }
    }
}
