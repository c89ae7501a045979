package org.iommusim.persistence.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalReaderTest {
    private static final DomainSpec SPEC = DomainSpec.stage1(Granule.G4K, 48, 48, 5);
    private static final DomainEvent MAP = new DomainEvent.TableChanged(
            new Mapped(List.of(new MapSegment(0x1000, 0x2000, 0x1000, Prot.rw()))));
    private static final DomainEvent UNMAP = new DomainEvent.TableChanged(
            new Unmapped(List.of(new UnmapSegment(0x1000, 0x1000))));

    /** domain-10 (nid 11) has 3 events, #2 hidden by a deletion mark; "$$$hot" is a tag copy of #1. */
    private static void write(Path dir) throws IOException {
        try (HandWrittenJournal j = new HandWrittenJournal(dir)) {
            j.mapping(10, "domain-2").mapping(11, "domain-10").mapping(12, "$$$hot")
                    .counter(10, 1).event(10, "domain-2", 1, new DomainEvent.Allocated(SPEC))
                    .counter(11, 3).event(11, "domain-10", 1, new DomainEvent.Allocated(SPEC))
                    .event(11, "domain-10", 2, new DomainEvent.Freed()).deletionMark(11, 2)
                    .event(11, "domain-10", 3, MAP)
                    .counter(12, 1).event(12, "domain-10", 1, new DomainEvent.Allocated(SPEC))
                    .raw(10, "domain-2", 2, 42, "X", new byte[] {1, 2, 3}).counter(10, 2);
        }
    }

    @Test
    void listsEntitiesInNaturalOrderWithoutTagPseudoIds(@TempDir Path dir) throws IOException {
        write(dir);
        try (JournalReader r = JournalReader.open(dir)) {
            assertEquals(List.of("domain-2", "domain-10"), r.persistenceIds());
            assertEquals(new EntitySummary("domain-10", 2, 1, 3, 3), r.summary("domain-10").orElseThrow());
            assertTrue(r.summary("$$$hot").isEmpty());
        }
    }

    /** Opening LevelDB writes through mmap: with no room for that, the reader refuses instead of crashing. */
    @Test
    void refusesToOpenWhereTheCopyHasNoRoomToRecover(@TempDir Path dir) throws IOException {
        write(dir);
        JournalReadException e = assertThrows(JournalReadException.class, () -> JournalReader.open(dir, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("usable") && e.getMessage().contains("min-free-bytes"), e.getMessage());
        try (JournalReader r = JournalReader.open(dir, 0)) {
            assertEquals(List.of("domain-2", "domain-10"), r.persistenceIds());
        }
    }

    @Test
    void streamsEventsSkippingDeletedOnesAndKeepsForeignPayloadsVisible(@TempDir Path dir) throws IOException {
        write(dir);
        try (JournalReader r = JournalReader.open(dir); EventCursor all = r.allEvents()) {
            List<String> seen = new ArrayList<>();
            all.forEachRemaining(e -> seen.add(e.persistenceId() + "#" + e.sequenceNr() + " " + e.manifest()));
            assertEquals(List.of("domain-2#1 D.A", "domain-2#2 X", "domain-10#1 D.A", "domain-10#3 D.T"), seen);
        }
        try (JournalReader r = JournalReader.open(dir); EventCursor c = r.events("domain-2", 2, 2)) {
            JournalEvent e = c.next();
            Undecoded u = assertInstanceOf(Undecoded.class, e.payload());
            assertEquals(42, u.serializerId());
            assertEquals(1_700_000_000_002L, e.timestamp());
        }
    }

    /**
     * Decoding runs on the applying thread, behind the reader; the first
     * problem in sequence order must still be the one named.
     */
    @Test
    void namesAnUndecodableRecordBeforeALaterFailure(@TempDir Path dir) throws IOException {
        write3(dir, 2_000, 600, -1);
        try (JournalReader r = JournalReader.open(dir)) {
            JournalReadException e = assertThrows(JournalReadException.class,
                    () -> StateReplay.at(r, "domain-3", 1_999, new DomainFolder()));
            assertTrue(e.getMessage().startsWith("domain-3 #600 cannot be decoded"), e.getMessage());
            ReplayedState<DomainState> before = StateReplay.at(r, "domain-3", 599, new DomainFolder());
            assertEquals(599, before.eventsApplied());
            assertEquals(PageTable.empty(SPEC).digest(), before.state().table().orElseThrow().digest());
        }
    }

    /** A gap in an entity's sequence numbers is found when the journal is opened, before anything is replayed. */
    @Test
    void aGapIsRefusedAtOpenNamingTheEntityAndRange(@TempDir Path dir) throws IOException {
        write3(dir, 2_000, -1, 1_500);
        JournalDamagedException e = assertThrows(JournalDamagedException.class, () -> JournalReader.open(dir));
        assertEquals("domain-3 #1500", e.damage().affected(), e.getMessage());
        assertTrue(e.getMessage().startsWith("journal damaged: " + dir.resolve("journal")), e.getMessage());
        assertTrue(e.getMessage().contains("event #1500 is missing (the next is #1501)"), e.getMessage());
    }

    /** A counter record that says more than the events hold is refused, naming the events it claims. */
    @Test
    void aCounterAheadOfTheEventsIsRefused(@TempDir Path dir) throws IOException {
        write3(dir, 40, -1, -1);
        try (HandWrittenJournal j = new HandWrittenJournal(dir)) {
            j.counter(10, 45);
        }
        JournalDamagedException e = assertThrows(JournalDamagedException.class, () -> JournalReader.open(dir));
        assertEquals("domain-3 #40..#45", e.damage().affected(), e.getMessage());
        assertTrue(e.getMessage().contains("counter record says #45 but the events end at #39"), e.getMessage());
    }

    /** A counter behind the events, events without an id mapping, a counter record gone: each is named. */
    @Test
    void countersAndMappingsThatDisagreeWithTheEventsAreRefused(@TempDir Path dir) throws IOException {
        write3(dir.resolve("behind"), 40, -1, -1);
        try (HandWrittenJournal j = new HandWrittenJournal(dir.resolve("behind"))) {
            j.counter(10, 30);
        }
        JournalDamagedException behind = assertThrows(JournalDamagedException.class,
                () -> JournalReader.open(dir.resolve("behind")));
        assertEquals("domain-3 #31..#39", behind.damage().affected(), behind.getMessage());

        try (HandWrittenJournal j = new HandWrittenJournal(dir.resolve("unmapped"))) {
            j.mapping(10, "domain-3").counter(10, 1).event(10, "domain-3", 1, new DomainEvent.Allocated(SPEC))
                    .counter(11, 1).event(11, "domain-4", 1, new DomainEvent.Allocated(SPEC));
        }
        JournalDamagedException unmapped = assertThrows(JournalDamagedException.class,
                () -> JournalReader.open(dir.resolve("unmapped")));
        assertTrue(unmapped.getMessage().contains("events of numeric id 11 have no persistence id"),
                unmapped.getMessage());

        try (HandWrittenJournal j = new HandWrittenJournal(dir.resolve("uncounted"))) {
            j.mapping(10, "domain-3").event(10, "domain-3", 1, new DomainEvent.Allocated(SPEC));
        }
        JournalDamagedException uncounted = assertThrows(JournalDamagedException.class,
                () -> JournalReader.open(dir.resolve("uncounted")));
        assertTrue(uncounted.getMessage().contains("domain-3: its counter record is missing"), uncounted.getMessage());
    }

    /** domain-3 (nid 10) with events #1 to {@code end - 1}, one undecodable at {@code foreign}, none at {@code gap}. */
    private static void write3(Path dir, long end, long foreign, long gap) throws IOException {
        try (HandWrittenJournal j = new HandWrittenJournal(dir)) {
            j.mapping(10, "domain-3").counter(10, end - 1)
                    .event(10, "domain-3", 1, new DomainEvent.Allocated(SPEC));
            for (long seq = 2; seq < end; seq++) {
                if (seq == foreign) {
                    j.raw(10, "domain-3", seq, 42, "X", new byte[] {1, 2, 3});
                } else if (seq != gap) {
                    j.event(10, "domain-3", seq, seq % 2 == 0 ? MAP : UNMAP);
                }
            }
        }
    }

    @Test
    void replaysFromTheLatestSnapshotAtOrBeforeTheTarget(@TempDir Path dir) throws IOException {
        write(dir);
        PageTable mapped = PageTable.empty(SPEC).apply(((DomainEvent.TableChanged) MAP).change());
        // a snapshot at #3 that is not what the events give, to see which source replay used
        HandWrittenJournal.snapshot(dir, "snapshot-domain-10-3-1700000000000", new DomainState.Freed(SPEC));
        HandWrittenJournal.snapshot(dir, "snapshot-domain-10-1-1700000000000", new DomainState.Active(PageTable.empty(SPEC)));
        try (JournalReader r = JournalReader.open(dir)) {
            ReplayedState<DomainState> at3 = StateReplay.at(r, "domain-10", 3, new DomainFolder());
            assertInstanceOf(DomainState.Freed.class, at3.state());
            assertEquals(3, at3.snapshotSeq());
            JournalReadException gap = assertThrows(JournalReadException.class,
                    () -> StateReplay.at(r, "domain-10", 2, new DomainFolder()));
            assertTrue(gap.getMessage().contains("event #2 is missing"), gap.getMessage());
        }
        Files.delete(dir.resolve("snapshots/snapshot-domain-10-3-1700000000000"));
        Files.delete(dir.resolve("snapshots/snapshot-domain-10-1-1700000000000"));
        HandWrittenJournal.snapshot(dir, "snapshot-domain-10-2-1700000000000", new DomainState.Active(PageTable.empty(SPEC)));
        try (JournalReader r = JournalReader.open(dir)) {
            ReplayedState<DomainState> at3 = StateReplay.at(r, "domain-10", 3, new DomainFolder());
            assertEquals(mapped.digest(), at3.state().table().orElseThrow().digest());
            assertEquals(2, at3.snapshotSeq());
            assertEquals(1, at3.eventsApplied());
        }
    }

    @Test
    void readingChangesNothingAndLeavesNoCopyBehind(@TempDir Path dir) throws IOException {
        write(dir);
        Map<String, Long> before = sizes(dir);
        long tmpCopies = replayCopies();
        try (JournalReader r = JournalReader.open(dir); EventCursor all = r.allEvents()) {
            all.forEachRemaining(e -> { });
            assertEquals(tmpCopies + 1, replayCopies());
        }
        assertEquals(before, sizes(dir));
        assertEquals(tmpCopies, replayCopies());
    }

    @Test
    void missingAndEmptyDirectoriesAreNamed(@TempDir Path dir) {
        JournalReadException missing = assertThrows(JournalReadException.class,
                () -> JournalReader.open(dir.resolve("gone")));
        assertEquals("no journal at " + dir.resolve("gone") + ": the directory does not exist", missing.getMessage());
        JournalReadException empty = assertThrows(JournalReadException.class, () -> JournalReader.open(dir));
        assertTrue(empty.getMessage().contains("expected a LevelDB journal in " + dir.resolve("journal")),
                empty.getMessage());
    }

    private static Map<String, Long> sizes(Path dir) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                out.put(dir.relativize(f).toString(), Files.isRegularFile(f) ? Files.size(f) + Files.getLastModifiedTime(f).toMillis() : -1);
            }
        }
        return out;
    }

    private static long replayCopies() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("iommu-sim-replay-")).count();
        }
    }
}
