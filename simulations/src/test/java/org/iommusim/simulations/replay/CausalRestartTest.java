package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global sequence is one order across runs of a journal: a restarted model
 * continues after the highest stamp recovered, so an event of the second run
 * is never ordered before (or tied with) one of the first.
 */
class CausalRestartTest {
    private static final DomainId D = DomainId.of(1);

    @Test
    void aRestartedModelContinuesTheGlobalSequence(@TempDir Path dir) {
        Path data = dir.resolve("data");
        ModelOptions opts = ModelOptions.at(data).withFsync(false).withWorkers(2).deterministic();
        long first;
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.map(D, MapBatch.single(0x1000_0000L, 0x8000_0000L, 0x1000, Prot.rw()));
            sim.map(D, MapBatch.single(0x1000_1000L, 0x8000_1000L, 0x1000, Prot.rw()));
            sim.writeCd(smmu, 16, 0, Cd.of(5, D));
            sim.writeSte(smmu, 16, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(16, false), CmdSync.poll()));
            sim.translate(smmu, TranslationRequest.of(16, 0x1000_0040L, Access.READ));
            sim.runUntilIdle();
            assertTrue(sim.globalSequence() > 0, "the first run stamped its events");
        }
        // the close writes last (held-back fills, the caches' acknowledgement markers cleared): the journal's end
        first = highestStamp(data);
        long second;
        try (IommuSim sim = IommuSim.start(opts)) {
            assertEquals(first, sim.globalSequence(), "recovered: the sequence resumes where the journal ends");
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.unmap(D, UnmapBatch.single(0x1000_0000L, 0x1000));
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, 0x1000_0000L, true), CmdSync.poll()));
            sim.translate(smmu, TranslationRequest.of(16, 0x1000_1040L, Access.READ));
            sim.runUntilIdle();
            assertTrue(sim.globalSequence() > first, sim.globalSequence() + " after " + first);
        }
        second = highestStamp(data);
        ReplayCli log = ReplayCli.run("log", "--journal", data.toString());
        assertEquals(0, log.exitCode(), log.err());
        Set<Long> seen = new HashSet<>();
        long previous = 0;
        long afterRestart = 0;
        for (String line : log.out().lines().toList()) {
            assertTrue(line.startsWith("g="), "every event is stamped: " + line);
            long g = Long.parseLong(line.substring(2, line.indexOf(' ')));
            assertTrue(seen.add(g), "one event per global sequence number: g=" + g);
            assertTrue(g > previous, "log prints in causal order: " + line);
            previous = g;
            if (g > first) {
                afterRestart++;
                assertTrue(g <= second, line);
            }
        }
        assertTrue(afterRestart >= 3, "the second run's unmap, commands and fill follow the first run's events");
        assertEquals(second, previous, "the last event is the second run's last");
    }

    /** The highest causal stamp the journal holds. */
    private static long highestStamp(Path data) {
        long max = 0;
        try (org.iommusim.persistence.replay.JournalReader reader =
                org.iommusim.persistence.replay.JournalReader.open(data);
                var events = reader.allEvents()) {
            while (events.hasNext()) {
                var e = events.next();
                max = Math.max(max, e.stamp().gsn());
            }
        }
        return max;
    }
}
