package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code translate} on a recorded missing-TLBI story: filled, unmapped without
 * a TLBI, a sync (SMMU #5), then the TLBI and its sync (#8). At #5's point of
 * the causal order the recorded model still answers from the stale IOTLB
 * entry; at the end it faults. (The pauses are no longer needed to tell the
 * steps apart: the causal stamps order them, not write milliseconds.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranslateCommandTest {
    private Path data;

    @BeforeAll
    void record(@TempDir Path dir) throws Exception {
        data = dir.resolve("run");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.map(d, MapBatch.single(0x1000_0000L, 0x8000_0000L, 0x1000, Prot.rw()));
            sim.writeCd(smmu, 16, 0, Cd.of(5, d));
            sim.writeSte(smmu, 16, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(16, false), CmdSync.poll()));        // smmu #1..3
            assertEquals(0x8000_0040L, ((Translated) sim.translate(smmu,
                    TranslationRequest.of(16, 0x1000_0040L, Access.READ))).outputAddress());
            Thread.sleep(60); // the fill is written behind within 5 ms
            sim.unmap(d, UnmapBatch.single(0x1000_0000L, 0x1000));
            Thread.sleep(20);
            sim.submitAndWait(smmu, List.of(CmdSync.poll()));                                // smmu #4..5
            Thread.sleep(20);
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, 0x1000_0000L, true), CmdSync.poll())); // #6..8
        }
    }

    private ReplayCli ok(String... args) {
        ReplayCli r = ReplayCli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        return r;
    }

    /** The global sequence number of {@code pid}'s event {@code #seq}, as {@code log} prints it. */
    private long gsnOf(String pid, long seq) {
        String line = ok("log", "--journal", data.toString(), "--entity", pid, "--from", Long.toString(seq), "--to",
                Long.toString(seq)).out().strip();
        assertTrue(line.matches("g=\\d+ " + pid + " #" + seq + " .*"), line);
        return Long.parseLong(line.substring(2, line.indexOf(' ')));
    }

    /** The global sequence number of the journal's last event. */
    private long lastGsn() {
        List<String> lines = ok("log", "--journal", data.toString()).out().lines().toList();
        String last = lines.get(lines.size() - 1);
        return Long.parseLong(last.substring(2, last.indexOf(' ')));
    }

    @Test
    void atTheSyncWithoutTlbiTheStaleEntryStillAnswers() {
        String at = Long.toString(gsnOf("smmu-0", 5));
        assertEquals(Expected.text("translate-at-5.txt").replace("g=GSN", "g=" + at),
                ok("translate", "--journal", data.toString(), "--sid", "16", "--iova", "0x10000040", "--at", at).out());
    }

    @Test
    void afterTheTlbiAndItsSyncTheSameDmaFaults() {
        assertEquals(Expected.text("translate-last.txt").replace("g=GSN", "g=" + lastGsn()),
                ok("translate", "--journal", data.toString(), "--sid", "16", "--iova", "0x10000040").out());
    }

    @Test
    void beforeTheAttachTheStreamHasNoConfiguration() {
        String out = ok("translate", "--journal", data.toString(), "--sid", "17", "--iova", "0x10000040").out();
        assertTrue(out.contains("answer    FAULT C_BAD_STE sid=0x11"), out);
    }

    @Test
    void badArgumentsAreRefused() {
        assertEquals(2, ReplayCli.run("translate", "--journal", data.toString(), "--sid", "16", "--iova", "0x1",
                "--at", "99").exitCode());
        assertEquals(2, ReplayCli.run("translate", "--journal", data.toString(), "--sid", "16", "--iova", "0x1",
                "--at", "g=x").exitCode());
        // a threaded run has no virtual time to name
        assertEquals(2, ReplayCli.run("translate", "--journal", data.toString(), "--sid", "16", "--iova", "0x1",
                "--at", "t=5ns").exitCode());
        assertEquals(2, ReplayCli.run("translate", "--journal", data.toString(), "--sid", "16", "--iova", "0x1",
                "--access", "q").exitCode());
        assertEquals(2, ReplayCli.run("translate", "--journal", data.toString(), "--sid", "16", "--iova", "0x1",
                "--smmu", "smmu-9").exitCode());
    }
}
