package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.persistence.replay.DomainFolder;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.StateReplay;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link IommuSim#start} on a damaged copy of a real journal: refused with
 * JOURNAL_DAMAGED naming the file and the range, in seconds, with every file
 * of the directory as it was (nothing created over it, nothing deleted). An
 * unreadable snapshot is not damage: recovery falls back to the older
 * snapshot or the events, to the same state. A log cut at its tail (a
 * crash) starts, from the consistent prefix replay reads.
 */
class DamagedJournalStartTest {
    @TempDir
    static Path shared;
    private static Path original;
    private static long digest;

    @BeforeAll
    static void writeTheJournal() throws IOException {
        original = shared.resolve("original");
        digest = DamagedJournal.write(original);
        assertTrue(Files.exists(DamagedJournal.only(original.resolve("journal"), ".sst")), "a table to damage");
        assertTrue(Files.size(DamagedJournal.only(original.resolve("journal"), ".log")) > 3 * 32_768,
                "a log of several blocks");
    }

    @ParameterizedTest
    @EnumSource(value = DamagedJournal.Damage.class, names = "SNAPSHOT_JUNK", mode = EnumSource.Mode.EXCLUDE)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aDamagedJournalIsRefusedAndLeftAsItWas(DamagedJournal.Damage damage, @TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        DamagedJournal.copy(original, data);
        Path file = damage.apply(data);
        Map<String, String> before = DamagedJournal.hash(data);

        ModelException e = assertThrows(ModelException.class, () -> IommuSim.start(ModelOptions.at(data)).close());
        assertEquals(ModelException.Kind.JOURNAL_DAMAGED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("journal damaged: " + file), e.getMessage());
        assertTrue(e.getMessage().contains("; affected: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertEquals(before, DamagedJournal.hash(data), "nothing created, changed or deleted");

        ModelException again = assertThrows(ModelException.class, () -> IommuSim.start(ModelOptions.at(data)).close());
        assertEquals(ModelException.Kind.JOURNAL_DAMAGED, again.kind(), "the directory was released: " + again);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anUnreadableSnapshotFallsBackToTheSameState(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        DamagedJournal.copy(original, data);
        DamagedJournal.Damage.SNAPSHOT_JUNK.apply(data);
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withFsync(false))) {
            assertEquals(digest, ModelInternals.pageTable(sim, DamagedJournal.D).orElseThrow().digest());
        }
        // every snapshot of it: recovery replays every event
        DamagedJournal.junkEverySnapshot(data, "domain-1");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withFsync(false))) {
            assertEquals(digest, ModelInternals.pageTable(sim, DamagedJournal.D).orElseThrow().digest());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aLogCutAtItsTailStartsFromTheConsistentPrefix(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        DamagedJournal.copy(original, data);
        DamagedJournal.cutLogTail(data, 100);
        long prefix;
        try (JournalReader r = JournalReader.open(data)) {
            assertTrue(r.findings().notes().stream().anyMatch(n -> n.contains("crash's cut")), r.findings().notes()
                    .toString());
            prefix = StateReplay.at(r, "domain-1", r.highestSequenceNr("domain-1"), new DomainFolder()).state()
                    .table().orElseThrow().digest();
        }
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withFsync(false))) {
            sim.addSmmu(0, SmmuCapabilities.defaults());
            assertEquals(prefix, ModelInternals.pageTable(sim, DamagedJournal.D).orElseThrow().digest());
        }
    }

    /** What a reader of the same damaged copy says: the same line. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theReaderRefusesWithTheSameLine(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        DamagedJournal.copy(original, data);
        DamagedJournal.Damage.LOG_BYTES_FLIPPED.apply(data);
        ModelException start = assertThrows(ModelException.class, () -> IommuSim.start(ModelOptions.at(data)).close());
        var read = assertThrows(org.iommusim.persistence.replay.JournalDamagedException.class,
                () -> JournalReader.open(data).close());
        assertEquals(read.getMessage(), start.getMessage());
    }
}
