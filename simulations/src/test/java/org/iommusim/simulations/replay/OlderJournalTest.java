package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal of the previous format still opens: {@code journals/before-stamps-and-tbus}
 * is a real LevelDB journal written by the release before causal stamps and
 * TBUs (commit 5589929: {@code simulate missing-tlbi.conf --set
 * length.operations=1500}): its events carry no global sequence number, its
 * capabilities have neither a TBU section nor HTTU, and its IOTLB is two hash
 * shards ({@code smmu-0/iotlb-0}, {@code iotlb-1}). The replay tools read it
 * with a note that entities are aligned by write time; the model starts on it,
 * retires the old shards (no stale entry survives), and continues it with
 * stamped events.
 */
class OlderJournalTest {
    private static final String NOTE = "note: this journal was written before events carried causal stamps";
    private static final String STALE = "0x100113300"; // the IOVA missing-tlbi's dropped TLBI left cached

    private static Path copy(Path dir) throws IOException, URISyntaxException {
        Path fixture = Paths.get(OlderJournalTest.class.getResource("/journals/before-stamps-and-tbus/journal").toURI())
                .getParent();
        Path data = dir.resolve("data");
        Corruption.copy(fixture, data);
        return data;
    }

    /** {@code entries=N} of {@code state} for a TLB entity. */
    private static long entries(Path data, String entity) {
        ReplayCli state = ReplayCli.run("state", "--journal", data.toString(), "--entity", entity);
        assertEquals(0, state.exitCode(), state.err());
        String line = state.out().lines().filter(l -> l.startsWith("entries=")).findFirst().orElseThrow();
        return Long.parseLong(line.substring("entries=".length()).split(" ")[0]);
    }

    @Test
    void theReplayToolsReadItWithANoteOnTheAlignment(@TempDir Path dir) throws Exception {
        String j = copy(dir).toString();
        ReplayCli inspect = ReplayCli.run("inspect", "--journal", j);
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertTrue(inspect.out().lines().anyMatch(l -> l.startsWith("smmu-0/iotlb-1 ")), inspect.out());
        assertTrue(inspect.out().contains("8 entities"), inspect.out());

        ReplayCli log = ReplayCli.run("log", "--journal", j, "--entity", "domain-1");
        assertEquals(0, log.exitCode(), log.err());
        assertTrue(log.err().contains(NOTE), log.err());
        assertTrue(log.out().lines().anyMatch(l -> l.contains("UNMAP")), "the unmaps are read");
        assertTrue(log.out().lines().noneMatch(l -> l.startsWith("g=")), "no stamp is invented");

        ReplayCli trace = ReplayCli.run("trace", "--journal", j, "--iova", STALE, "--sid", "16");
        assertEquals(0, trace.exitCode(), trace.err());
        assertTrue(trace.err().contains(NOTE), trace.err());
        assertTrue(trace.out().lines().anyMatch(l -> l.contains("FILL")), trace.out());

        ReplayCli translate = ReplayCli.run("translate", "--journal", j, "--sid", "16", "--iova", STALE);
        assertEquals(0, translate.exitCode(), translate.err());
        assertTrue(translate.out().contains("answer    "), translate.out());

        ReplayCli verify = ReplayCli.run("verify", "--journal", j);
        assertEquals(0, verify.exitCode(), verify.out() + verify.err());
    }

    @Test
    void theModelStartsOnItRetiresTheOldShardsAndContinuesItStamped(@TempDir Path dir) throws Exception {
        Path data = copy(dir);
        // the answers the tables give (no TLB: the old shards are not served by any TBU)
        List<String> iovas = List.of(STALE, "0x100000000", "0x100100040", "0x200000000");
        List<String> fromTables = iovas.stream().map(iova -> {
            ReplayCli r = ReplayCli.run("translate", "--journal", data.toString(), "--sid", "16", "--iova", iova);
            assertEquals(0, r.exitCode(), r.err());
            return r.out().lines().filter(l -> l.startsWith("answer    ")).findFirst().orElseThrow()
                    .substring("answer    ".length());
        }).toList();
        assertTrue(entries(data, "smmu-0/iotlb-0") > 0 && entries(data, "smmu-0/iotlb-1") > 0, "the shards hold entries");
        SmmuCapabilities caps = SmmuCapabilities.defaults().toBuilder().iotlbEntries(256).iotlbPolicy(IotlbPolicy.LRU)
                .build();
        long before;
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withFsync(false).deterministic())) {
            before = sim.globalSequence();
            Smmu smmu = sim.addSmmu(0, caps);
            for (int i = 0; i < iovas.size(); i++) {
                TranslationRequest r = TranslationRequest.of(16, Long.decode(iovas.get(i)), Access.READ);
                assertEquals(fromTables.get(i), sim.translate(smmu, r).toText(), iovas.get(i));
            }
            sim.runUntilIdle();
            assertTrue(sim.globalSequence() > before, "the model's events are stamped");
        }
        ReplayCli inspect = ReplayCli.run("inspect", "--journal", data.toString());
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertTrue(inspect.out().lines().anyMatch(l -> l.startsWith("smmu-0/tbu-0 ")), inspect.out());
        ReplayCli log = ReplayCli.run("log", "--journal", data.toString(), "--entity", "smmu-0/tbu-0");
        assertEquals(0, log.exitCode(), log.err());
        assertTrue(log.out().lines().anyMatch(l -> l.startsWith("g=")), "the new events carry stamps: " + log.out());
        assertEquals(0, entries(data, "smmu-0/iotlb-0"), "retired: no later run recovers what it held");
        assertEquals(0, entries(data, "smmu-0/iotlb-1"));
        assertTrue(Files.exists(data.resolve("journal/CURRENT")));
    }
}
