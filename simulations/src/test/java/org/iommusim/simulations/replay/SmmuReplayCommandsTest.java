package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The replay subcommands on the {@link SmmuRecordedHistory} written by the
 * real SMMU and stream actors on LevelDB (an ILL halt and resume, a CFGI
 * load, syncs, faults with overflow), against the hand-checked expected
 * files {@code replay/smmu-*}, {@code replay/state-smmu-*}; after every
 * subcommand the journal directory must be byte-for-byte what the run left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmmuReplayCommandsTest {
    private Path tmp;
    private Path data;
    private Map<String, String> recorded;

    @BeforeAll
    void recordHistory(@TempDir Path dir) throws Exception {
        tmp = dir;
        data = tmp.resolve("run");
        SmmuRecordedHistory.write(data);
        recorded = DirectoryHash.of(data);
    }

    @AfterEach
    void journalIsUnchanged() throws IOException {
        assertEquals(recorded, DirectoryHash.of(data), "the journal directory changed");
    }

    private String ok(String... args) {
        ReplayCli r = ReplayCli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.err());
        return r.out();
    }

    /** smmu-0, then its streams in StreamID order (sid-2 before sid-16), though sid-16 was written first. */
    @Test
    void inspectOrdersNestedIdsNaturally() {
        assertEquals(Expected.text("smmu-inspect.txt"), ok("inspect", "--journal", data.toString()));
    }

    @Test
    void logNumbersQueueEntriesAndDecodesEveryCommand() {
        assertEquals(Expected.text("smmu-log.txt"), ok("log", "--journal", data.toString()));
    }

    /** The numbering needs the events before --from: they are folded, not printed. */
    @Test
    void logOfARangeKeepsQueueIndexes() {
        assertEquals(Expected.text("log-smmu-0-from-7-to-8.txt"),
                ok("log", "--journal", data.toString(), "--entity", "smmu-0", "--from", "7", "--to", "8"));
    }

    @Test
    void logOfAStreamByItsSlashedId() {
        String expected = Expected.text("smmu-log.txt").lines().filter(l -> l.matches("g=\\d+ smmu-0/sid-16 .*"))
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected, ok("log", "--journal", data.toString(), "--entity", "smmu-0/sid-16"));
    }

    @Test
    void exportAndJsonLogCarryRawWordsAndText() throws IOException {
        assertEquals(Expected.text("smmu-export.jsonl"), ok("log", "--journal", data.toString(), "--json"));
        Path out = tmp.resolve("smmu.jsonl");
        ok("export", "--journal", data.toString(), "--out", out.toString());
        assertEquals(Expected.text("smmu-export.jsonl"), Files.readString(out));
    }

    @ParameterizedTest(name = "state {0}")
    @CsvSource({
            "smmu-0, state-smmu-0.txt",
            "smmu-0 --at 6, state-smmu-0-at-6.txt",
            "smmu-0/sid-16, state-smmu-0-sid-16.txt",
            "smmu-0/sid-2, state-smmu-0-sid-2.txt"})
    void stateAtASequenceNumber(String args, String expected) {
        List<String> argv = new ArrayList<>(List.of("state", "--journal", data.toString(), "--entity"));
        argv.addAll(List.of(args.split(" ")));
        assertEquals(Expected.text(expected), ok(argv.toArray(String[]::new)));
    }
}
