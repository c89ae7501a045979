package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.EventCodec;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nested CD fetch that faults in stage 2 (issue L, Arm IHI 0070, 5.2 STE.S1ContextPtr, 7.3 CLASS):
 * through the facade on the LevelDB journal, the event queue holds F_TRANSLATION with CLASS=CD, S2=1 and
 * the CD's IPA in its 32 bytes; once stage 2 maps the CD and the table pool, the DMA translates, also
 * after a restart (the STE's and CD's addresses are journaled).
 */
class NestedDescriptorFetchApiTest {
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId S1 = DomainId.of(3);
    private static final long CDS = 0x3000_0000L;
    private static final long TABLES = 0x2000_0000L;

    @Test
    void aCdFetchFaultingInStage2IsRecordedWithClassCdS2AndTheIpa(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(1);
        TranslationRequest dma = TranslationRequest.of(7, 0x4000_0010L, Access.READ);
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
            sim.allocateDomain(S1, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), smmu);
            sim.map(S1, MapBatch.single(0x4000_0000L, 0x1_0000_0000L, 0x1000, Prot.rw()));
            sim.map(S2, MapBatch.single(0x1_0000_0000L, 0x8_0000_0000L, 0x1000, Prot.rw()));
            sim.writeCd(smmu, 7, 0, Cd.of(5, S1).withTtb0(TABLES));
            sim.writeSte(smmu, 7, Ste.nested(0, S1Dss.SSID0, 9, S2).withS1ContextPtr(CDS));
            sim.submitAndWait(smmu, List.of(new CfgiSte(7, false), CmdSync.poll()));
            FTranslation f = assertInstanceOf(FTranslation.class, ((Faulted) sim.translate(smmu, dma)).event());
            assertTrue(f.walk().s2());
            assertEquals(EventClass.CD_FETCH, f.walk().eventClass());
            assertEquals(CDS, f.walk().ipa());
            assertEquals(f, EventCodec.decode(f.encode()), "the 32-byte record carries CLASS, S2 and the IPA");
            assertTrue(sim.readEvents(smmu, 10).contains(f));
            // the guest's CD page and its four table pages, mapped read-only in stage 2
            sim.map(S2, MapBatch.single(CDS, 0x9000_0000L, 0x1000, Prot.of(Prot.READ)));
            sim.map(S2, MapBatch.single(TABLES, 0x9100_0000L, 0x4000, Prot.of(Prot.READ)));
        }
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            assertEquals(0x8_0000_0010L, ((Translated) sim.translate(smmu, dma)).outputAddress());
        }
    }
}
