package org.iommusim.persistence.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.CBadCd;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.CBadSte;
import org.iommusim.protocol.event.CBadStreamId;
import org.iommusim.protocol.event.CBadSubstreamId;
import org.iommusim.protocol.event.FAccess;
import org.iommusim.protocol.event.FAddrSize;
import org.iommusim.protocol.event.FPermission;
import org.iommusim.protocol.event.FStreamDisabled;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;

class TranslationEngineTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId S1 = DomainId.of(1);
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final long IOVA = 0x4000_0000L;
    private static final long PA = 0x8_0000_0000L;
    private static final long IPA = 0x1_0000_0000L;

    private final Map<DomainId, PageTable> tables = new HashMap<>();
    private IotlbShard shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));

    private void map(DomainId id, DomainSpec spec, long iova, long pa, long size, int prot) {
        PageTable t = tables.getOrDefault(id, PageTable.empty(spec));
        tables.put(id, t.map(iova, pa, size, Prot.of(prot)).table());
    }

    private Outcome translate(StreamConfig config, TranslationRequest r) {
        return translate(CAPS, config, r);
    }

    private Outcome translate(SmmuCapabilities caps, StreamConfig config, TranslationRequest r) {
        StreamContext ctx = ConfigResolution.resolve(r, caps, config, tables::get);
        return TranslationEngine.translate(r, ctx, shard);
    }

    private static Terminated unrecorded(Outcome o) {
        assertNull(o.fault(), "nothing to record");
        return assertInstanceOf(Terminated.class, o.result(), "the transaction is still terminated");
    }

    private static StreamConfig stage1Stream() {
        return new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(5, S1)));
    }

    private static StreamConfig nestedStream() {
        return new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2), Map.of(0, Cd.of(5, NESTED)));
    }

    private void nestedTables(int s1Prot, int s2Prot) {
        map(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), IPA, PA, 0x1000, s2Prot);
        map(NESTED, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), IOVA, IPA, 0x1000, s1Prot);
    }

    private static <T extends SmmuEvent> T fault(Outcome o, Class<T> type) {
        return type.cast(assertInstanceOf(type, assertInstanceOf(Faulted.class, o.result()).event()));
    }

    @Test
    void unmapWithoutTlbiHitsTheStaleEntryAndTlbiRemovesIt() {
        map(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), IOVA, PA, 0x1000, Prot.READ | Prot.WRITE);
        TranslationRequest read = TranslationRequest.of(1, IOVA + 0x10, Access.READ);
        Outcome miss = translate(stage1Stream(), read);
        assertEquals(Outcome.Path.MISS, miss.path());
        assertEquals(new Translated(PA + 0x10, new Perms(true, true, true, true)), miss.result());
        assertEquals(1, miss.fills().size());
        tables.put(S1, tables.get(S1).unmap(IOVA, 0x1000).table());
        Outcome stale = translate(stage1Stream(), read);
        assertEquals(Outcome.Path.HIT, stale.path(), "no TLBI: the cached entry still answers");
        assertEquals(PA + 0x10, ((Translated) stale.result()).outputAddress());
        shard.invalidate(TlbiNhVa.of(0, 5, IOVA, true));
        FTranslation f = fault(translate(stage1Stream(), read), FTranslation.class);
        assertFalse(f.walk().s2());
        assertEquals(IOVA + 0x10, f.iova());
        assertTrue(f.access().rnw());
    }

    @Test
    void writeOnlyMapAtStage1YieldsReadWrite() {
        map(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), IOVA, PA, 0x1000, Prot.WRITE);
        Outcome r = translate(stage1Stream(), TranslationRequest.of(1, IOVA, Access.READ));
        assertEquals(new Perms(true, true, true, true), ((Translated) r.result()).perms());
    }

    @Test
    void readOfAStage2WriteOnlyPageIsAPermissionFaultInStage2() {
        map(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), IOVA, PA, 0x1000, Prot.WRITE);
        StreamConfig s2 = new StreamConfig(Ste.stage2(9, S2), Map.of());
        assertInstanceOf(Translated.class, translate(s2, TranslationRequest.of(1, IOVA, Access.WRITE)).result());
        FPermission f = fault(translate(s2, TranslationRequest.of(1, IOVA + 8, Access.READ)), FPermission.class);
        assertTrue(f.walk().s2());
        // Arm IHI 0070, 7.3.13 F_TRANSLATION: the IPA field is IPA[51:12]; the byte offset is in InputAddr
        assertEquals(IOVA, f.walk().ipa());
        assertEquals(IOVA + 8, f.iova());
        assertTrue(f.access().rnw());
    }

    @Test
    void nestedPermissionsIntersectAndFaultsNameTheRefusingStage() {
        nestedTables(Prot.READ, Prot.READ | Prot.WRITE);
        Outcome read = translate(nestedStream(), TranslationRequest.of(1, IOVA + 4, Access.READ));
        assertEquals(new Translated(PA + 4, new Perms(true, false, true, true)), read.result());
        // a write is refused by stage 1 (read-only): S2=0, even on the cached entry
        FPermission s1 = fault(translate(nestedStream(), TranslationRequest.of(1, IOVA, Access.WRITE)), FPermission.class);
        assertFalse(s1.walk().s2());
        tables.clear();
        shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));
        nestedTables(Prot.READ | Prot.WRITE, Prot.READ);
        FPermission miss = fault(translate(nestedStream(), TranslationRequest.of(1, IOVA, Access.WRITE)), FPermission.class);
        assertTrue(miss.walk().s2(), "stage 1 allows the write, stage 2 refuses it");
        assertEquals(IPA, miss.walk().ipa());
        FPermission hit = fault(translate(nestedStream(), TranslationRequest.of(1, IOVA, Access.WRITE)), FPermission.class);
        assertTrue(hit.walk().s2(), "the cached combined entry blames the same stage");
        assertEquals(IPA, hit.walk().ipa());
    }

    @Test
    void nestedTranslationFaultInStage2CarriesTheIpa() {
        map(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), 0, 0, 0x1000, Prot.READ);
        map(NESTED, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), IOVA, IPA, 0x1000, Prot.READ);
        FTranslation f = fault(translate(nestedStream(), TranslationRequest.of(1, IOVA, Access.READ)), FTranslation.class);
        assertTrue(f.walk().s2());
        assertEquals(IPA, f.walk().ipa());
    }

    @Test
    void s2IpaAloneLeavesTheCombinedEntryS12VmallRemovesIt() {
        nestedTables(Prot.READ, Prot.READ);
        TranslationRequest read = TranslationRequest.of(1, IOVA, Access.READ);
        translate(nestedStream(), read);
        tables.put(S2, tables.get(S2).unmap(IPA, 0x1000).table());
        shard.invalidate(TlbiS2Ipa.of(9, IPA, true));
        assertEquals(Outcome.Path.HIT, translate(nestedStream(), read).path(), "the combined entry survives S2_IPA");
        shard.invalidate(new TlbiS12Vmall(9));
        assertTrue(fault(translate(nestedStream(), read), FTranslation.class).walk().s2());
    }

    @Test
    void configurationFaults() {
        map(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), IOVA, PA, 0x1000, Prot.READ);
        TranslationRequest r = TranslationRequest.of(1, IOVA, Access.READ);
        assertInstanceOf(CBadStreamId.class, ((Faulted) translate(stage1Stream(),
                TranslationRequest.of(0x10000, IOVA, Access.READ)).result()).event());
        assertInstanceOf(CBadSte.class, ((Faulted) translate(StreamConfig.UNCONFIGURED, r).result()).event());
        assertInstanceOf(CBadSte.class, ((Faulted) translate(new StreamConfig(Ste.stage2(9, DomainId.of(77)), Map.of()),
                r).result()).event(), "a stage-2 domain that does not exist");
        StreamConfig cdTable = new StreamConfig(Ste.stage1(2, S1Dss.TERMINATE), Map.of(1, Cd.of(5, S1)));
        assertInstanceOf(FStreamDisabled.class, ((Faulted) translate(cdTable, r).result()).event());
        assertInstanceOf(CBadSubstreamId.class, ((Faulted) translate(cdTable,
                TranslationRequest.withSsid(1, 4, IOVA, Access.READ)).result()).event(), "SSID beyond S1CDMax");
        assertInstanceOf(CBadSubstreamId.class, ((Faulted) translate(stage1Stream(),
                TranslationRequest.withSsid(1, 1, IOVA, Access.READ)).result()).event(), "no CD table");
        assertInstanceOf(CBadCd.class, ((Faulted) translate(cdTable,
                TranslationRequest.withSsid(1, 2, IOVA, Access.READ)).result()).event(), "no CD at that SSID");
        assertInstanceOf(Translated.class, translate(cdTable, TranslationRequest.withSsid(1, 1, IOVA, Access.READ)).result());
        assertInstanceOf(CBadCd.class, ((Faulted) translate(new StreamConfig(Ste.stage1(0, S1Dss.SSID0),
                Map.of(0, Cd.invalid())), r).result()).event());
    }

    @Test
    void abortIsSilentAndBypassPassesThrough() {
        Outcome abort = translate(new StreamConfig(Ste.abort(), Map.of()), TranslationRequest.of(1, IOVA, Access.READ));
        assertInstanceOf(Terminated.class, abort.result());
        assertNull(abort.fault(), "ABORT records no event");
        Outcome bypass = translate(new StreamConfig(Ste.bypass(), Map.of()), TranslationRequest.of(1, IOVA, Access.WRITE));
        assertEquals(IOVA, ((Translated) bypass.result()).outputAddress());
        assertEquals(0, shard.size(), "bypass fills nothing");
    }

    /**
     * Arm IHI 0070, 3.4 "Address sizes", stage 2 check 1: an IPA outside the range STE.S2T0SZ configures
     * is a stage-2 Translation fault (F_TRANSLATION, S2=1, CLASS=IN, the IPA recorded), not F_ADDR_SIZE.
     */
    @Test
    void stage2InputBeyondS2T0szIsAStage2TranslationFault() {
        map(S2, DomainSpec.stage2(Granule.G4K, 40, 48, 9), 0, 0, 0x1000, Prot.READ);
        long beyond = (1L << 40) + 0x123;
        FTranslation f = fault(translate(new StreamConfig(Ste.stage2(9, S2), Map.of()),
                TranslationRequest.of(1, beyond, Access.READ)), FTranslation.class);
        assertTrue(f.walk().s2());
        assertEquals(EventClass.INPUT_ADDRESS, f.walk().eventClass());
        assertEquals(1L << 40, f.walk().ipa(), "IPA[51:12] of the input");
        assertEquals(beyond, f.iova());
    }

    /**
     * Arm IHI 0070, 3.4 "Address sizes": when stage 1 is bypassed (stage-2-only STE, or S1DSS=BYPASS),
     * an input beyond the IAS is a stage-1 Address Size fault: F_ADDR_SIZE with S2=0, CLASS=IN (7.3.14),
     * even on an SMMU that translates only through stage 2.
     */
    @Test
    void stage2OnlyInputBeyondTheIasIsAStage1AddressSizeFault() {
        map(S2, DomainSpec.stage2(Granule.G4K, 48, 48, 9), 0, 0, 0x1000, Prot.READ);
        assertEquals(48, CAPS.ias());
        for (StreamConfig stream : new StreamConfig[] {new StreamConfig(Ste.stage2(9, S2), Map.of()),
                new StreamConfig(Ste.nested(2, S1Dss.BYPASS, 9, S2), Map.of())}) {
            Outcome o = translate(stream, TranslationRequest.of(1, 1L << 48, Access.WRITE));
            FAddrSize f = fault(o, FAddrSize.class);
            assertFalse(f.walk().s2(), "recorded as a stage-1 fault");
            assertEquals(0, f.walk().ipa());
            assertEquals(EventClass.INPUT_ADDRESS, f.walk().eventClass());
            assertEquals(0, o.walkSteps(), "no stage-2 walk starts");
        }
        FTranslation within = fault(translate(new StreamConfig(Ste.stage2(9, S2), Map.of()),
                TranslationRequest.of(1, (1L << 48) - 0x1000, Access.READ)), FTranslation.class);
        assertTrue(within.walk().s2(), "within the IAS the stage-2 walk decides");
    }

    /**
     * Arm IHI 0070, 3.4 "Address sizes": with STE.Config = BYPASS, an input beyond the OAS is terminated
     * with a stage-1 F_ADDR_SIZE (the same holds for S1DSS bypass on a stage-1-only stream, against the IAS).
     */
    @Test
    void bypassBeyondTheOasIsAStage1AddressSizeFault() {
        StreamConfig bypass = new StreamConfig(Ste.bypass(), Map.of());
        assertEquals(new Translated((1L << 48) - 1, new Perms(true, true, true, true)),
                translate(bypass, TranslationRequest.of(1, (1L << 48) - 1, Access.READ)).result());
        Outcome o = translate(bypass, TranslationRequest.of(1, 1L << 48, Access.READ));
        FAddrSize f = fault(o, FAddrSize.class);
        assertFalse(f.walk().s2());
        assertEquals(o.fault(), f, "recorded");
        StreamConfig s1Bypassed = new StreamConfig(Ste.stage1(2, S1Dss.BYPASS), Map.of());
        assertInstanceOf(FAddrSize.class, ((Faulted) translate(s1Bypassed,
                TranslationRequest.of(1, -1L, Access.READ)).result()).event());
    }

    /** Arm IHI 0070, 3.4.3 note: a nested stage-1 output IPA beyond S2T0SZ is a stage-2 Translation fault. */
    @Test
    void nestedOutputBeyondS2T0szIsAStage2TranslationFault() {
        // stage 1 may output 36-bit IPAs (CD.IPS); stage 2 accepts 32 (S2T0SZ)
        tables.put(S2, PageTable.empty(DomainSpec.stage2(Granule.G4K, 32, 48, 9)));
        tables.put(NESTED, PageTable.empty(DomainSpec.nested(S2, Granule.G4K, 48, 36, 5))
                .map(IOVA, 1L << 33, 0x1000, Prot.of(Prot.READ)).table());
        FTranslation f = fault(translate(nestedStream(), TranslationRequest.of(1, IOVA + 0x10, Access.READ)),
                FTranslation.class);
        assertTrue(f.walk().s2());
        assertEquals(1L << 33, f.walk().ipa());
    }

    /**
     * Arm IHI 0070, 5.5 "Fault configuration (A, R, S bits)": with CD.R = 0 a stage-1 F_TRANSLATION,
     * F_ACCESS, F_ADDR_SIZE or F_PERMISSION terminates the transaction without an event record;
     * configuration errors (C_BAD_*) are unaffected by R.
     */
    @Test
    void cdRClearTerminatesStage1TranslationFaultsWithoutARecord() {
        map(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), IOVA, PA, 0x1000, Prot.READ);
        StreamConfig silent = new StreamConfig(Ste.stage1(1, S1Dss.SSID0), Map.of(0, Cd.of(5, S1).withR(false)));
        Terminated t = unrecorded(translate(silent, TranslationRequest.of(1, IOVA + 0x1000, Access.READ)));
        assertEquals("F_TRANSLATION not recorded: CD.R is 0", t.reason());
        assertEquals("F_PERMISSION not recorded: CD.R is 0",
                unrecorded(translate(silent, TranslationRequest.of(1, IOVA, Access.WRITE))).reason());
        assertInstanceOf(Translated.class, translate(silent, TranslationRequest.of(1, IOVA, Access.READ)).result());
        Outcome config = translate(silent, TranslationRequest.withSsid(1, 2, IOVA, Access.READ));
        assertInstanceOf(CBadSubstreamId.class, config.fault(), "C_BAD_SUBSTREAMID is recorded whatever R says");
        StreamConfig recorded = new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(5, S1)));
        assertInstanceOf(FTranslation.class, translate(recorded, TranslationRequest.of(1, IOVA + 0x1000,
                Access.READ)).fault(), "R=1, as Linux writes CDs, records");
    }

    /**
     * Arm IHI 0070, 5.5: STE.S2R governs stage-2 faults and CD.R stage-1 faults; in a nested stream each
     * fault is suppressed only by the R bit of the stage that raised it.
     */
    @Test
    void steS2rGovernsStage2FaultsAndCdRStage1Faults() {
        map(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), 0, 0, 0x1000, Prot.READ);
        map(NESTED, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), IOVA, IPA, 0x1000, Prot.READ);
        TranslationRequest s2Miss = TranslationRequest.of(1, IOVA, Access.READ);
        TranslationRequest s1Miss = TranslationRequest.of(1, IOVA + 0x1000, Access.READ);
        StreamConfig noS2r = new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2).withS2r(false),
                Map.of(0, Cd.of(5, NESTED)));
        assertEquals("F_TRANSLATION not recorded: STE.S2R is 0", unrecorded(translate(noS2r, s2Miss)).reason());
        assertFalse(fault(translate(noS2r, s1Miss), FTranslation.class).walk().s2(), "stage 1 still records");
        StreamConfig noR = new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2), Map.of(0, Cd.of(5, NESTED).withR(false)));
        assertTrue(fault(translate(noR, s2Miss), FTranslation.class).walk().s2(), "stage 2 still records");
        unrecorded(translate(noR, s1Miss));
        StreamConfig s2Only = new StreamConfig(Ste.stage2(9, S2).withS2r(false), Map.of());
        unrecorded(translate(s2Only, TranslationRequest.of(1, 0x5000, Access.READ)));
        // the stage-1 check of a stage-1-bypassing input has no CD to silence it
        assertInstanceOf(FAddrSize.class, translate(s2Only, TranslationRequest.of(1, 1L << 50, Access.READ)).fault());
    }

    /**
     * Arm IHI 0070, 3.13.2 and 7.3.15 F_ACCESS: a leaf descriptor with AF = 0 raises F_ACCESS when HTTU
     * is not supported or not enabled (CD.HA / STE.S2HA); it is not cached, and an Access fault takes
     * priority over a Permission fault (3.13.1).
     */
    @Test
    void accessFlagClearIsAnAccessFaultWithoutHardwareUpdate() {
        map(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), IOVA, PA, 0x1000, Prot.READ | Prot.OLD);
        StreamConfig stream = stage1Stream();
        FAccess f = fault(translate(stream, TranslationRequest.of(1, IOVA + 4, Access.READ)), FAccess.class);
        assertFalse(f.walk().s2());
        assertEquals(EventClass.INPUT_ADDRESS, f.walk().eventClass());
        assertEquals(0, shard.size(), "an AF=0 translation is never cached");
        assertInstanceOf(FAccess.class, fault(translate(stream, TranslationRequest.of(1, IOVA, Access.WRITE)),
                FAccess.class), "the Access fault comes before the Permission fault");
        StreamConfig ha = new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(5, S1).withHa(true)));
        assertInstanceOf(FAccess.class, translate(ha, TranslationRequest.of(1, IOVA, Access.READ)).fault(),
                "CD.HA means nothing on an SMMU without HTTU");
        SmmuCapabilities httu = CAPS.toBuilder().httu(true).build();
        assertInstanceOf(FAccess.class, translate(httu, stream, TranslationRequest.of(1, IOVA, Access.READ)).fault(),
                "HTTU without CD.HA: still a fault");
        Outcome updated = translate(httu, ha, TranslationRequest.of(1, IOVA + 4, Access.READ));
        assertEquals(PA + 4, ((Translated) updated.result()).outputAddress(), "HTTU sets AF and translates");
        assertEquals(1, shard.size());
        StreamConfig silent = new StreamConfig(Ste.stage1(0, S1Dss.SSID0), Map.of(0, Cd.of(5, S1).withR(false)));
        shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));
        assertEquals("F_ACCESS not recorded: CD.R is 0",
                unrecorded(translate(silent, TranslationRequest.of(1, IOVA, Access.READ))).reason());
    }

    /** Arm IHI 0070, 3.13.2 and 7.3.15: a stage-2 leaf with AF = 0 is a stage-2 F_ACCESS with the IPA, unless STE.S2HA. */
    @Test
    void stage2AccessFlagFaultNamesStage2AndTheIpa() {
        nestedTables(Prot.READ, Prot.READ | Prot.OLD);
        FAccess f = fault(translate(nestedStream(), TranslationRequest.of(1, IOVA + 0x10, Access.READ)), FAccess.class);
        assertTrue(f.walk().s2());
        assertEquals(IPA, f.walk().ipa());
        SmmuCapabilities httu = CAPS.toBuilder().httu(true).build();
        StreamConfig s2ha = new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2).withS2ha(true),
                Map.of(0, Cd.of(5, NESTED)));
        assertEquals(PA + 0x10, ((Translated) translate(httu, s2ha, TranslationRequest.of(1, IOVA + 0x10,
                Access.READ)).result()).outputAddress());
    }
}
