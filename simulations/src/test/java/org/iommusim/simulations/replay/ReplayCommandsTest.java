package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The replay subcommands on the {@link RecordedHistory} written by the real
 * domain actors on LevelDB, against the hand-written expected files under
 * {@code replay/}; after every subcommand the journal directory must be
 * byte-for-byte what the run left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayCommandsTest {
    private Path tmp;
    private Path data;
    private Map<String, String> recorded;

    @BeforeAll
    void recordHistory(@TempDir Path dir) throws Exception {
        tmp = dir;
        data = tmp.resolve("run");
        RecordedHistory.write(data);
        recorded = DirectoryHash.of(data);
    }

    @AfterEach
    void journalIsUnchanged() throws IOException {
        assertEquals(recorded, DirectoryHash.of(data), "the journal directory changed");
    }

    private ReplayCli ok(String... args) {
        ReplayCli r = ReplayCli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.err());
        return r;
    }

    private ReplayCli refused(String... args) {
        ReplayCli r = ReplayCli.run(args);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
        return r;
    }

    /** 0x12345 lies in domain-2's second 4K segment, mapped at #2 and unmapped (0x12000..0x14000) at #4. */
    @Test
    void traceListsEveryEventThatTouchedTheAddress() {
        assertEquals(Expected.text("trace-12345.txt"), ok("trace", "--journal", data.toString(), "--iova", "0x12345").out());
        assertEquals("no event touched 0x7000000\n",
                ok("trace", "--journal", data.toString(), "--iova", "7000000").out().replace("\r", ""));
        refused("trace", "--journal", data.toString(), "--iova", "zz");
    }

    @Test
    void inspectListsEntitiesCountsAndSnapshots() {
        assertEquals(Expected.text("inspect.txt"), ok("inspect", "--journal", data.toString()).out());
    }

    @Test
    void inspectAcceptsTheJournalDirectoryItself() {
        assertEquals(Expected.text("inspect.txt"), ok("inspect", "--journal", data.resolve("journal").toString()).out());
    }

    @Test
    void logIsTheTimelineInCausalOrder() {
        assertEquals(Expected.text("log.txt"), ok("log", "--journal", data.toString()).out());
    }

    @Test
    void logOfOneEntityInARange() {
        assertEquals(Expected.text("log-domain-2-from-3-to-5.txt"), ok("log", "--journal", data.toString(),
                "--entity", "domain-2", "--from", "3", "--to", "5").out());
    }

    @Test
    void logGrepFiltersLines() {
        assertEquals(Expected.text("log-grep-UNMAP.txt"),
                ok("log", "--journal", data.toString(), "--grep", "UNMAP").out());
    }

    @Test
    void logJsonPrintsTheExportedObjects() {
        assertEquals(Expected.text("export.jsonl"), ok("log", "--journal", data.toString(), "--json").out());
        assertEquals(Expected.text("export.jsonl").lines().filter(l -> l.contains("\"domain-3\""))
                        .collect(Collectors.joining("\n", "", "\n")),
                ok("log", "--journal", data.toString(), "--json", "--entity", "domain-3").out());
    }

    @ParameterizedTest(name = "state {0}")
    @CsvSource({
            "domain-2 --at 0, state-domain-2-at-0.txt",
            "domain-2 --at 2, state-domain-2-at-2.txt",
            "domain-2 --at 5, state-domain-2-at-5.txt",
            "domain-2, state-domain-2.txt",
            "domain-1, state-domain-1.txt",
            "domain-3 --at 2, state-domain-3-at-2.txt",
            "domain-3, state-domain-3.txt"})
    void stateAtASequenceNumber(String args, String expected) {
        List<String> argv = new java.util.ArrayList<>(List.of("state", "--journal", data.toString(), "--entity"));
        argv.addAll(List.of(args.split(" ")));
        assertEquals(Expected.text(expected), ok(argv.toArray(String[]::new)).out());
    }

    /** The digests in the expected state files are those of the same table built directly, not read back. */
    @Test
    void expectedDigestsAreThoseOfTheTablesBuiltDirectly() {
        PageTable d2 = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 5));
        d2 = d2.map(new MapBatch(List.of(new MapSegment(0x10000, 0x80000, 0x1000, Prot.rw()),
                new MapSegment(0x11000, 0x81000, 0x1000, Prot.rw()), new MapSegment(0x12000, 0x82000, 0x1000, Prot.rw()),
                new MapSegment(0x13000, 0x83000, 0x1000, Prot.rw())))).table();
        assertDigest("state-domain-2-at-2.txt", d2);
        d2 = d2.map(0x200000, 0x4000_0000L, 0x200000, Prot.of(Prot.READ)).table();
        d2 = d2.unmap(0x12000, 0x2000).table();
        d2 = d2.map(MapBatch.of(new MapSegment(0x400000, 0x5000_0000L, 0x1000, Prot.of(Prot.READ | Prot.WRITE | Prot.CACHE)),
                new MapSegment(0x800000, 0x6000_0000L, 0x2000, Prot.of(Prot.READ | Prot.PRIV)))).table();
        assertDigest("state-domain-2-at-5.txt", d2);
        assertDigest("state-domain-2.txt", d2.unmap(0x200000, 0x200000).table());
        assertDigest("state-domain-1.txt", PageTable.empty(DomainSpec.stage2(Granule.G4K, 40, 48, 9))
                .map(0x1000_0000L, 0x2000_0000L, 0x3000, Prot.of(Prot.WRITE | Prot.NOEXEC)).table());
    }

    private static void assertDigest(String expectedFile, PageTable table) {
        assertTrue(Expected.text(expectedFile).contains("digest=0x" + Long.toHexString(table.digest()) + "\n"),
                expectedFile + " vs " + table);
    }

    @Test
    void exportWritesTheStableJsonLines() throws IOException {
        Path out = tmp.resolve("export-1.jsonl");
        ReplayCli r = ok("export", "--journal", data.toString(), "--out", out.toString());
        assertEquals("11 events of 3 entities written to " + out.toAbsolutePath().normalize() + "\n", r.out());
        assertEquals(Expected.text("export.jsonl"), Files.readString(out));
    }

    /** Same requests in a new run: new timestamps and writer UUIDs, identical export. */
    @Test
    void identicalRunsExportIdenticalBytes() throws Exception {
        Path again = tmp.resolve("run-again");
        RecordedHistory.write(again);
        Path a = tmp.resolve("a.jsonl");
        Path b = tmp.resolve("b.jsonl");
        ok("export", "--journal", data.toString(), "--out", a.toString());
        ok("export", "--journal", again.toString(), "--out", b.toString());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(DirectoryHash.of(data).equals(DirectoryHash.of(again)), "the two journals differ (timestamps)");
    }

    @Test
    void exportRefusesToWriteIntoTheJournalDirectory() {
        ReplayCli r = refused("export", "--journal", data.toString(), "--out", data.resolve("x.jsonl").toString());
        assertTrue(r.err().contains("is inside the journal's directory"), r.err());
    }

    @Test
    void unknownEntityIsNamed() {
        ReplayCli r = refused("state", "--journal", data.toString(), "--entity", "domain-9");
        assertEquals("state: no entity 'domain-9' in " + data.toAbsolutePath().normalize()
                + "; entities: domain-1, domain-2, domain-3", r.err().strip());
        assertTrue(refused("log", "--journal", data.toString(), "--entity", "smmu-0").err().contains("no entity 'smmu-0'"));
    }

    @Test
    void atBeyondTheLastEventIsRefused() {
        ReplayCli r = refused("state", "--journal", data.toString(), "--entity", "domain-2", "--at", "7");
        assertEquals("state: --at 7 is outside domain-2's events (#0 is the start, #6 the last)", r.err().strip());
        refused("state", "--journal", data.toString(), "--entity", "domain-2", "--at", "-1");
    }

    @Test
    void badRangeIsRefused() {
        ReplayCli r = refused("log", "--journal", data.toString(), "--from", "5", "--to", "2");
        assertTrue(r.err().contains("is not a range of sequence numbers"), r.err());
    }

    @Test
    void missingDirectoryIsNamed() {
        Path missing = tmp.resolve("no-such-run");
        for (String cmd : new String[] {"inspect", "log"}) {
            ReplayCli r = refused(cmd, "--journal", missing.toString());
            assertEquals(cmd + ": no journal at " + missing + ": the directory does not exist", r.err().strip());
        }
        assertFalse(Files.exists(missing), "reading must not create the directory");
    }

    @Test
    void directoryWithoutAJournalIsNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ReplayCli r = refused("inspect", "--journal", empty.toString());
        assertTrue(r.err().startsWith("inspect: no journal at " + empty + ": expected a LevelDB journal in "
                + empty.resolve("journal")), r.err());
        try (var files = Files.list(empty)) {
            assertEquals(0, files.count(), "nothing was created");
        }
    }
}
