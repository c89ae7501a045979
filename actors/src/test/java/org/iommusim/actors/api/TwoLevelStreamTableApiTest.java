package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.persistence.config.StreamTable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.protocol.event.CBadStreamId;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-level stream tables through the embedding API on the LevelDB journal (Arm IHI 0070, 3.3.2, 5.1,
 * 6.3.25): program the format, write level-1 descriptors as Linux does when it adds a master, and the
 * table, the descriptors and what the configuration cache holds survive a restart.
 */
class TwoLevelStreamTableApiTest {

    @Test
    void linuxOrderTranslatesAnUnreachableStreamIdIsCBadStreamIdAndAllOfItSurvivesARestart(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(1);
        SmmuCapabilities caps = SmmuCapabilities.defaults();
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, caps);
            sim.programStreamTable(smmu, StreamTableFormat.twoLevel(16, 8));
            // arm_smmu_init_l2_strtab: the L1STD (SPAN = SPLIT + 1) is written before the STE, with no CFGI
            sim.writeL1Descriptor(smmu, 0x12, new L1Descriptor(9, 0x4_0000L));
            sim.writeSte(smmu, 0x1234, Ste.bypass());
            sim.writeSte(smmu, 0x1334, Ste.bypass());
            sim.submitAndWait(smmu, List.of(new CfgiSte(0x1234, true), new CfgiSte(0x1334, true), CmdSync.poll()));
            assertEquals(0x5000L, ((Translated) sim.translate(smmu, TranslationRequest.of(0x1234, 0x5000L,
                    Access.READ))).outputAddress());
            Faulted f = assertInstanceOf(Faulted.class, sim.translate(smmu,
                    TranslationRequest.of(0x1334, 0x5000L, Access.READ)));
            assertInstanceOf(CBadStreamId.class, f.event(), "L1STD 0x13 was never written: SPAN=0");
            assertTrue(sim.readEvents(smmu, 10).contains(f.event()));
            ModelException late = assertThrows(ModelException.class,
                    () -> sim.programStreamTable(smmu, StreamTableFormat.linear(16)));
            assertEquals(ModelException.Kind.REJECTED, late.kind());
            ModelException beyond = assertThrows(ModelException.class,
                    () -> sim.writeL1Descriptor(smmu, 256, new L1Descriptor(9, 0)));
            assertEquals("level-1 descriptor 256 is beyond the table's 256 (LOG2SIZE=16, SPLIT=8)", beyond.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sim.writeL1Descriptor(smmu, 1, null));
        }
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, caps);
            StreamTable t = ModelInternals.smmuState(sim, smmu).config().table();
            assertEquals(StreamTableFormat.twoLevel(16, 8), t.format());
            assertEquals(new L1Descriptor(9, 0x4_0000L), t.memory().get(0x12));
            assertEquals(new L1Descriptor(9, 0x4_0000L), t.cached().get(0x12), "cached by the CFGI_STE through it");
            assertInstanceOf(Translated.class, sim.translate(smmu, TranslationRequest.of(0x1234, 0x6000L, Access.READ)));
            sim.writeL1Descriptor(smmu, 0x13, new L1Descriptor(9, 0x8_0000L));
            assertEquals(0x7000L, ((Translated) sim.translate(smmu, TranslationRequest.of(0x1334, 0x7000L,
                    Access.WRITE))).outputAddress(), "a newly valid L1STD is seen at once; the STE was loaded");
        }
    }

    @Test
    void anSmmuWithLinearStreamTablesOnlyRefusesTwoLevel(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.builder().twoLevelStreamTables(false).build());
            ModelException e = assertThrows(ModelException.class,
                    () -> sim.programStreamTable(smmu, StreamTableFormat.twoLevel(16, 8)));
            assertEquals("two-level stream table: the SMMU advertises IDR0.ST_LEVEL=0b00 (linear only)", e.getMessage());
            sim.programStreamTable(smmu, StreamTableFormat.linear(4));
            sim.writeSte(smmu, 0x10, Ste.bypass());
            sim.submitAndWait(smmu, List.of(new CfgiSte(0x10, true), CmdSync.poll()));
            assertInstanceOf(CBadStreamId.class, ((Faulted) sim.translate(smmu,
                    TranslationRequest.of(0x10, 0, Access.READ))).event(), "beyond 2^LOG2SIZE");
        }
    }
}
