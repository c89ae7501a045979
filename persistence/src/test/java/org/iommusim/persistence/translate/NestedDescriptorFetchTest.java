package org.iommusim.persistence.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.FPermission;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.event.TranslationFault;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;

/**
 * Nested translation reads its CD and stage-1 tables at IPAs that stage 2 translates (Arm IHI 0070, 5.2
 * STE.S1ContextPtr and 5.4 CD.TTB0 are IPAs when stage 2 is enabled); a stage-2 fault on such a read is
 * reported with S2=1, CLASS=CD or CLASS=TT (7.3, CLASS) and the IPA of the read.
 */
class NestedDescriptorFetchTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final long IOVA = 0x4000_0000L;
    private static final long IPA = 0x1_0000_0000L;
    private static final long PA = 0x8_0000_0000L;
    /** The guest's stage-1 table pool: table page k at TABLES + k * 4K (4 levels: pages 0..3). */
    private static final long TABLES = 0x2000_0000L;
    private static final long CDS = 0x3000_0000L;
    private static final DomainSpec S2_SPEC = DomainSpec.stage2(Granule.G4K, 44, 48, 9);

    private final Map<DomainId, PageTable> tables = new HashMap<>();
    private final IotlbShard shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));

    NestedDescriptorFetchTest() {
        tables.put(NESTED, PageTable.empty(DomainSpec.nested(S2, Granule.G4K, 48, 44, 5))
                .map(IOVA, IPA, 0x1000, Prot.of(Prot.READ | Prot.WRITE)).table());
        mapS2(IPA, PA, Prot.READ | Prot.WRITE);
    }

    private void mapS2(long ipa, long pa, int prot) {
        tables.put(S2, tables.getOrDefault(S2, PageTable.empty(S2_SPEC)).map(ipa, pa, 0x1000, Prot.of(prot)).table());
    }

    private static StreamConfig stream(boolean s2r) {
        Ste ste = Ste.nested(0, S1Dss.SSID0, 9, S2).withS1ContextPtr(CDS).withS2r(s2r);
        return new StreamConfig(ste, Map.of(0, Cd.of(5, NESTED).withTtb0(TABLES)));
    }

    private Outcome translate(StreamConfig config, Access access) {
        TranslationRequest r = TranslationRequest.of(1, IOVA + 0x18, access);
        return TranslationEngine.translate(r, ConfigResolution.resolve(r, CAPS, config, tables::get), shard);
    }

    private static <T extends SmmuEvent> T fault(Outcome o, Class<T> type, EventClass c, long ipa) {
        T e = type.cast(assertInstanceOf(type, assertInstanceOf(Faulted.class, o.result()).event()));
        TranslationFault f = (TranslationFault) e;
        assertTrue(f.walk().s2(), "a stage-2 fault");
        assertEquals(c, f.walk().eventClass());
        assertEquals(ipa, f.walk().ipa());
        assertEquals(IOVA + 0x18, f.iova(), "the transaction's own input address");
        return e;
    }

    @Test
    void aCdFetchThatFaultsInStage2IsClassCdWithS2AndTheIpa() {
        fault(translate(stream(true), Access.READ), FTranslation.class, EventClass.CD_FETCH, CDS);
    }

    @Test
    void eachStage1TableReadIsTranslatedByStage2ClassTt() {
        mapS2(CDS, 0x9000_0000L, Prot.READ);
        fault(translate(stream(true), Access.READ), FTranslation.class, EventClass.TABLE_WALK, TABLES);
        mapS2(TABLES, 0x9100_0000L, Prot.READ);
        mapS2(TABLES + 0x1000, 0x9100_1000L, Prot.READ);
        mapS2(TABLES + 0x2000, 0x9100_2000L, Prot.READ);
        // the level-3 table (page 3) is not mapped in stage 2: the fault names its IPA
        fault(translate(stream(true), Access.WRITE), FTranslation.class, EventClass.TABLE_WALK, TABLES + 0x3000);
        // a table page stage 2 maps write-only cannot be read: a stage-2 Permission fault, CLASS=TT
        mapS2(TABLES + 0x3000, 0x9100_3000L, Prot.WRITE);
        fault(translate(stream(true), Access.READ), FPermission.class, EventClass.TABLE_WALK, TABLES + 0x3000);
        tables.put(S2, tables.get(S2).unmap(TABLES + 0x3000, 0x1000).table());
        mapS2(TABLES + 0x3000, 0x9100_3000L, Prot.READ);
        assertEquals(PA + 0x18, ((Translated) translate(stream(true), Access.WRITE).result()).outputAddress());
    }

    /** Arm IHI 0070, 5.5: STE.S2R governs the record of stage-2 faults, these included. */
    @Test
    void withS2rClearTheFetchFaultTerminatesWithoutARecord() {
        Outcome o = translate(stream(false), Access.READ);
        assertNull(o.fault());
        Terminated t = assertInstanceOf(Terminated.class, o.result());
        assertTrue(t.reason().contains("STE.S2R"), t.reason());
    }

    @Test
    void withoutS1ContextPtrAndTtb0TheReadsAreNotTranslated() {
        StreamConfig plain = new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2), Map.of(0, Cd.of(5, NESTED)));
        assertEquals(PA + 0x18, ((Translated) translate(plain, Access.READ).result()).outputAddress());
    }
}
