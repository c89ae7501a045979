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
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.StreamTableFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay tools on a two-level stream table (Arm IHI 0070, 3.3.2): {@code state} shows the format and
 * each level-1 descriptor as written and as cached, {@code log} the programming and the writes,
 * {@code translate} answers C_BAD_STREAMID where the table does not reach, and {@code verify} re-runs it all.
 *
 * <pre>
 *  smmu-0 #1-2  configured, STREAM_TABLE 2-level log2size=12 split=6
 *  smmu-0 #3    L1_WRITTEN index=0x1 span=7
 *  smmu-0 #4-5  CFGI_STE sid=0x40 leaf=1, CMD_SYNC: L1STD 1 cached
 *  smmu-0 #6    L1_WRITTEN index=0x1 span=0 (stale in the cache: Leaf=1 never reloads it)
 *  smmu-0 #7    L1_WRITTEN index=0x2 span=2
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoLevelStreamTableReplayTest {
    private Path data;

    @BeforeAll
    void record(@TempDir Path dir) {
        data = dir.resolve("run");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.programStreamTable(smmu, StreamTableFormat.twoLevel(12, 6));
            sim.writeL1Descriptor(smmu, 1, new L1Descriptor(7, 0x10_0000L));
            sim.writeSte(smmu, 0x40, Ste.bypass());
            sim.writeSte(smmu, 0x82, Ste.bypass());
            sim.submitAndWait(smmu, List.of(new CfgiSte(0x40, true), CmdSync.poll()));
            sim.writeL1Descriptor(smmu, 1, L1Descriptor.INVALID);
            sim.writeL1Descriptor(smmu, 2, new L1Descriptor(2, 0x20_0000L));
        }
    }

    private ReplayCli ok(String... args) {
        ReplayCli r = ReplayCli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        return r;
    }

    @Test
    void stateShowsTheFormatAndEachL1DescriptorAsWrittenAndAsCached() {
        List<String> lines = ok("state", "--journal", data.toString(), "--entity", "smmu-0").out().lines().toList();
        assertTrue(lines.contains("strtab 2-level log2size=12 split=6 l1=64"), String.join("\n", lines));
        assertTrue(lines.contains("l1 index=0x1 sids=0x40-0x7f span=0 l2ptr=0x0 cached=span=7,l2ptr=0x100000"),
                String.join("\n", lines));
        assertTrue(lines.contains("l1 index=0x2 sids=0x80-0xbf span=2 l2ptr=0x200000 cached=none"),
                String.join("\n", lines));
        List<String> before = ok("state", "--journal", data.toString(), "--entity", "smmu-0", "--at", "3").out()
                .lines().toList();
        assertTrue(before.contains("l1 index=0x1 sids=0x40-0x7f span=7 l2ptr=0x100000 cached=none"),
                String.join("\n", before));
    }

    @Test
    void logNamesTheProgrammingAndTheWrites() {
        String log = ok("log", "--journal", data.toString(), "--entity", "smmu-0").out();
        assertTrue(log.contains("STREAM_TABLE 2-level log2size=12 split=6"), log);
        assertTrue(log.contains("L1_WRITTEN index=0x1 span=7 l2ptr=0x100000"), log);
        assertTrue(log.contains("L1_WRITTEN index=0x2 span=2 l2ptr=0x200000"), log);
    }

    @Test
    void translateFollowsTheL1DescriptorsInForce() {
        // L1STD 1 is stale in the cache (valid), so 0x40 still translates; 0x82 is beyond L1STD 2's two STEs
        String in = ok("translate", "--journal", data.toString(), "--sid", "0x40", "--iova", "0x1000").out();
        assertTrue(in.contains("answer    TRANSLATED"), in);
        String beyond = ok("translate", "--journal", data.toString(), "--sid", "0x82", "--iova", "0x1000").out();
        assertTrue(beyond.contains("answer    FAULT C_BAD_STREAMID sid=0x82"), beyond);
    }

    @Test
    void verifyReRunsTheStreamTableInputs() {
        ReplayCli r = ok("verify", "--journal", data.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("match     smmu-0")), r.out());
    }
}
