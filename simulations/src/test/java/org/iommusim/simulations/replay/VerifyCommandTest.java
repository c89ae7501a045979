package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.persistence.replay.PekkoRecordWriter;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.stream.StreamEvent;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

    @Test
    void recordedDomainAndSmmuHistoriesReproduce(@TempDir Path dir) throws Exception {
        Path domains = dir.resolve("domains");
        RecordedHistory.write(domains);
        ReplayCli d = ReplayCli.run("verify", "--journal", domains.toString());
        assertEquals(0, d.exitCode(), d.out() + d.err());
        assertTrue(d.out().contains("match     domain-2"), d.out());

        Path smmu = dir.resolve("smmu");
        SmmuRecordedHistory.write(smmu);
        ReplayCli s = ReplayCli.run("verify", "--journal", smmu.toString());
        assertEquals(0, s.exitCode(), s.out() + s.err());
        assertTrue(s.out().contains("match     smmu-0\n"), "ILL, resume and syncs re-run alike: " + s.out());
        assertTrue(s.out().contains("match     smmu-0/sid-16"), s.out());
        assertTrue(s.out().contains("verified: the recorded inputs reproduce every recorded state"), s.out());
    }

    /** A journal whose recorded CFGI load is not what the stream's memory held: verify must say where. */
    @Test
    void aRecordedOutcomeThatTheInputsDoNotProduceDiverges(@TempDir Path dir) throws Exception {
        Path honest = dir.resolve("honest");
        write(honest, Ste.bypass());
        assertEquals(0, ReplayCli.run("verify", "--journal", honest.toString()).exitCode());

        Path forged = dir.resolve("forged");
        write(forged, Ste.stage1(0, S1Dss.SSID0));
        ReplayCli r = ReplayCli.run("verify", "--journal", forged.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("DIVERGES  smmu-0: configuration cache"), r.out());
        assertTrue(r.out().contains("match     smmu-0/sid-16"), r.out());
    }

    /**
     * A journal that ends with the SMMU waiting at a CMD_SYNC (a crash before
     * the workers acknowledged the TLBI before it), or with entries not yet
     * consumed: the re-run's workers do acknowledge, so its consumer goes on
     * through the sync and the CFGI after it. That is the consumer going on,
     * not a divergence.
     */
    @Test
    void aSyncLeftWaitingAtACrashIsNotADivergence(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("crashed");
        try (PekkoRecordWriter w = PekkoRecordWriter.create(data, "verify-test")) {
            w.append("smmu-0", new SmmuChange.Configured(SmmuCapabilities.defaults()), 1_000);
            w.append("smmu-0/sid-16", new StreamEvent.SteWritten(Ste.bypass()), 1_001);
            w.append("smmu-0", new SmmuChange.Submitted(List.of(TlbiNhVa.of(0, 5, 0x1000, true).encode(),
                    CmdSync.poll().encode(), new CfgiSte(16, false).encode(), CmdSync.poll().encode())), 1_002);
            w.append("smmu-0", new SmmuChange.Consumed(1, List.of()), 1_002);
        }
        ReplayCli r = ReplayCli.run("verify", "--journal", data.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("match     smmu-0 (its journal ends with commands not yet consumed from queue"
                + " index 1 (a CMD_SYNC waiting at index 1): compared as consumed"), r.out());

        // between two consumption batches: entries submitted, none consumed yet, no sync waiting
        Path between = dir.resolve("between");
        try (PekkoRecordWriter w = PekkoRecordWriter.create(between, "verify-test")) {
            w.append("smmu-0", new SmmuChange.Configured(SmmuCapabilities.defaults()), 1_000);
            w.append("smmu-0/sid-16", new StreamEvent.SteWritten(Ste.bypass()), 1_001);
            w.append("smmu-0", new SmmuChange.Submitted(List.of(new CfgiSte(16, false).encode(),
                    CmdSync.poll().encode())), 1_002);
        }
        ReplayCli b = ReplayCli.run("verify", "--journal", between.toString());
        assertEquals(0, b.exitCode(), b.out() + b.err());
        assertTrue(b.out().contains("match     smmu-0 (its journal ends with commands not yet consumed from queue"
                + " index 0: compared as consumed"), b.out());

        // waiting at a sync too, but after a CFGI load the stream's memory never held: still a divergence
        Path forged = dir.resolve("forged");
        try (PekkoRecordWriter w = PekkoRecordWriter.create(forged, "verify-test")) {
            w.append("smmu-0", new SmmuChange.Configured(SmmuCapabilities.defaults()), 1_000);
            w.append("smmu-0/sid-16", new StreamEvent.SteWritten(Ste.bypass()), 1_001);
            w.append("smmu-0", new SmmuChange.Submitted(List.of(new CfgiSte(16, false).encode(),
                    TlbiNhVa.of(0, 5, 0x1000, true).encode(), CmdSync.poll().encode())), 1_002);
            w.append("smmu-0", new SmmuChange.Consumed(2, List.of(new ConfigLoad(16, Ste.stage1(0, S1Dss.SSID0), true,
                    Map.of()))), 1_002);
        }
        ReplayCli f = ReplayCli.run("verify", "--journal", forged.toString());
        assertEquals(1, f.exitCode(), f.out() + f.err());
        assertTrue(f.out().contains("DIVERGES  smmu-0: configuration cache"), f.out());
    }

    /** Stream 16's memory holds BYPASS; the SMMU's recorded CFGI load claims {@code loaded}. */
    private static void write(Path dataDir, Ste loaded) throws Exception {
        try (PekkoRecordWriter w = PekkoRecordWriter.create(dataDir, "verify-test")) {
            w.append("smmu-0", new SmmuChange.Configured(SmmuCapabilities.defaults()), 1_000);
            w.append("smmu-0/sid-16", new StreamEvent.SteWritten(Ste.bypass()), 1_001);
            w.append("smmu-0", new SmmuChange.Submitted(List.of(new CfgiSte(16, false).encode(),
                    CmdSync.poll().encode())), 1_002);
            w.append("smmu-0", new SmmuChange.Consumed(2, List.of(new ConfigLoad(16, loaded, true, Map.of()))), 1_002);
        }
    }
}
