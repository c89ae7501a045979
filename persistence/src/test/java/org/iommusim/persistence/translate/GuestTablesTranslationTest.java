package org.iommusim.persistence.translate;

import static org.iommusim.persistence.pagetable.GuestTableImage.AF;
import static org.iommusim.persistence.pagetable.GuestTableImage.AP_UNPRIV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.GuestTableImage;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.CBadCd;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.FWalkEabt;
import org.iommusim.protocol.event.TranslationFault;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.DescriptorRead;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;

/**
 * A nested stream whose CD puts its stage-1 tables in guest memory: the engine reads the guest's descriptors
 * through the memory, every table IPA through stage 2; what it caches is used until a TLBI removes it.
 */
class GuestTablesTranslationTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final long IOVA = 0x4000_0000L;
    private static final long IPA_A = 0x1_0000_0000L;
    private static final long IPA_B = 0x1_0000_1000L;
    private static final long TTB0 = 0x2000_0000L;
    private static final long POOL_PA = 0x9100_0000L;

    private final Map<DomainId, PageTable> tables = new HashMap<>();
    private IotlbShard shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));
    private final GuestTableImage guest = new GuestTableImage(TTB0, POOL_PA);

    GuestTablesTranslationTest() {
        // the nested domain gives only the geometry: its own (empty) tables are not read
        tables.put(NESTED, PageTable.empty(DomainSpec.nested(S2, Granule.G4K, 48, 44, 5)));
        tables.put(S2, PageTable.empty(DomainSpec.stage2(Granule.G4K, 44, 48, 9))
                .map(IPA_A, 0x8_0000_0000L, 0x2000, Prot.rw()).table()
                .map(TTB0, POOL_PA, 0x3000, Prot.of(Prot.READ)).table());
        guest.page(IOVA, IPA_A, AF | AP_UNPRIV);
    }

    /** Stage 2 maps the guest's level-3 table page too (the constructor leaves it out). */
    private void mapLevel3Table() {
        tables.put(S2, tables.get(S2).map(TTB0 + 0x3000, POOL_PA + 0x3000, 0x1000, Prot.of(Prot.READ)).table());
    }

    private static StreamConfig stream() {
        return new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2), Map.of(0, Cd.of(5, NESTED).withGuestTables(TTB0)));
    }

    private Outcome translate(GuestMemory memory) {
        TranslationRequest r = TranslationRequest.of(1, IOVA + 0x18, Access.READ);
        StreamContext c = ConfigResolution.resolve(r.sid(), r.ssv(), r.ssid(), CAPS, stream(), tables::get, memory);
        Outcome o = TranslationEngine.translate(r, c, shard);
        for (var e : o.fills()) {
            shard = shard.apply(e);
        }
        return o;
    }

    private static TranslationFault fault(Outcome o) {
        return (TranslationFault) assertInstanceOf(Faulted.class, o.result()).event();
    }

    @Test
    void aGuestPteChangedWithoutTlbiStaysStaleUntilTheTlbi() {
        mapLevel3Table();
        Outcome first = translate(guest);
        assertInstanceOf(Translated.class, first.result(), () -> first.result().toString());
        assertEquals(0x8_0000_0018L, ((Translated) first.result()).outputAddress());
        guest.page(IOVA, IPA_B, AF | AP_UNPRIV); // the guest remaps the page in its own memory
        long readsBefore = guest.reads();
        Outcome stale = translate(guest);
        assertEquals(Outcome.Path.HIT, stale.path());
        assertEquals(0x8_0000_0018L, ((Translated) stale.result()).outputAddress(), "the cached translation");
        assertEquals(readsBefore, guest.reads(), "a hit reads no guest memory");
        shard = shard.apply(shard.decideInvalidate(TlbiNhVa.of(9, 5, IOVA, true)));
        Outcome fresh = translate(guest);
        assertEquals(Outcome.Path.MISS, fresh.path());
        assertEquals(0x8_0000_1018L, ((Translated) fresh.result()).outputAddress());
    }

    @Test
    void aTableOutsideStage2IsAStage2FaultClassTtWithTheDescriptorsIpa() {
        TranslationFault f = fault(translate(guest)); // the level-3 table page (pool + 0x3000) is not in stage 2
        assertInstanceOf(FTranslation.class, f);
        assertTrue(f.walk().s2());
        assertEquals(EventClass.TABLE_WALK, f.walk().eventClass());
        assertEquals(guest.descriptorIpa(IOVA, 3) & ~0xFFFL, f.walk().ipa());
        assertEquals(IOVA + 0x18, f.iova());
    }

    @Test
    void aReadTheMemoryRefusesIsAWalkExternalAbort() {
        mapLevel3Table();
        guest.refuseFrom(POOL_PA + 0x1000);
        TranslationFault f = fault(translate(guest));
        assertInstanceOf(FWalkEabt.class, f);
        assertEquals(EventClass.TABLE_WALK, f.walk().eventClass());
        assertFalse(f.walk().s2(), "stage 2 translated the read; the read itself failed");
        assertInstanceOf(FWalkEabt.class, fault(translate(GuestMemory.NONE)), "no memory attached");
    }

    @Test
    void theDetailNamesEachGuestDescriptorByItsIpa() {
        mapLevel3Table();
        TranslationRequest r = TranslationRequest.of(1, IOVA + 0x18, Access.READ);
        StreamContext c = ConfigResolution.resolve(r.sid(), r.ssv(), r.ssid(), CAPS, stream(), tables::get, guest);
        org.iommusim.persistence.tcu.WalkTally tally = new org.iommusim.persistence.tcu.WalkTally();
        tally.trace = new org.iommusim.persistence.tcu.WalkTrace();
        Outcome o = TranslationEngine.translate(r, c, shard, null, tally);
        var stage1 = o.walk().descriptors().stream().filter(d -> d.stage() == 1).toList();
        assertEquals(4, stage1.size());
        for (DescriptorRead d : stage1) {
            assertEquals(guest.descriptorIpa(IOVA, d.level()), d.address());
        }
        // every stage-1 read is preceded by its stage-2 walk; then the output IPA's own stage-2 walk
        assertEquals(4 * (1 + 4) + 4, o.walk().descriptors().size());
        assertEquals(o.walkSteps(), o.walk().descriptors().size());
    }

    @Test
    void guestTablesNeedANestedStreamAndDomain() {
        TranslationRequest r = TranslationRequest.of(1, IOVA, Access.READ);
        DomainId plain = DomainId.of(4);
        tables.put(plain, PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 44, 5)));
        StreamConfig s1Only = new StreamConfig(Ste.stage1(0, S1Dss.SSID0),
                Map.of(0, Cd.of(5, plain).withGuestTables(TTB0)));
        StreamContext c = ConfigResolution.resolve(r.sid(), r.ssv(), r.ssid(), CAPS, s1Only, tables::get, guest);
        assertInstanceOf(CBadCd.class, assertInstanceOf(StreamContext.ConfigFault.class, c).event());
        StreamConfig nestedOverPlain = new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2),
                Map.of(0, Cd.of(5, plain).withGuestTables(TTB0)));
        c = ConfigResolution.resolve(r.sid(), r.ssv(), r.ssid(), CAPS, nestedOverPlain, tables::get, guest);
        assertInstanceOf(CBadCd.class, assertInstanceOf(StreamContext.ConfigFault.class, c).event(),
                "guest tables need a nested domain (the geometry)");
        assertInstanceOf(StreamContext.Translate.class,
                ConfigResolution.resolve(r.sid(), r.ssv(), r.ssid(), CAPS, stream(), tables::get, guest));
    }

    /** The fill journals the walk's reads; a fresh TLB walking the journaled reads alone gives the same entry. */
    @Test
    void theFillCarriesItsReadsAndTheyReproduceTheWalkWithoutTheMemory() {
        mapLevel3Table();
        Outcome live = translate(guest);
        org.iommusim.persistence.iotlb.IotlbEvent.Filled fill = live.fills().stream()
                .filter(org.iommusim.persistence.iotlb.IotlbEvent.Filled.class::isInstance)
                .map(org.iommusim.persistence.iotlb.IotlbEvent.Filled.class::cast).findFirst().orElseThrow();
        assertEquals(4, fill.guestReads().size());
        for (var read : fill.guestReads()) {
            assertEquals(guest.get(read.pa()), read.descriptor());
        }
        JournaledGuestMemory journaled = new JournaledGuestMemory();
        live.fills().forEach(journaled::record);
        guest.page(IOVA, IPA_B, AF | AP_UNPRIV); // the embedder's memory moves on; the journal does not
        shard = IotlbShard.empty(new IotlbConfig(64, IotlbPolicy.LRU, 1));
        long before = guest.reads();
        Outcome replayed = translate(journaled);
        assertEquals(live.result(), replayed.result());
        assertEquals(fill, replayed.fills().get(0));
        assertEquals(before, guest.reads(), "the embedder's memory is not read");
        // an address no journaled walk read is refused, not invented
        TranslationRequest other = TranslationRequest.of(1, IOVA + 0x20_0000L, Access.READ);
        StreamContext c = ConfigResolution.resolve(1, false, 0, CAPS, stream(), tables::get, journaled);
        assertInstanceOf(FWalkEabt.class, fault(TranslationEngine.translate(other, c, shard)));
    }

    @Test
    void aFillOfTheModelsOwnTablesCarriesNoReads() {
        tables.put(NESTED, tables.get(NESTED).map(IOVA, IPA_A, 0x1000, Prot.rw()).table());
        TranslationRequest r = TranslationRequest.of(1, IOVA, Access.READ);
        StreamConfig own = new StreamConfig(Ste.nested(0, S1Dss.SSID0, 9, S2), Map.of(0, Cd.of(5, NESTED)));
        Outcome o = TranslationEngine.translate(r, ConfigResolution.resolve(r, CAPS, own, tables::get), shard);
        assertInstanceOf(Translated.class, o.result());
        assertTrue(((org.iommusim.persistence.iotlb.IotlbEvent.Filled) o.fills().get(0)).guestReads().isEmpty());
    }

    /** A stage-2 permission fault on a freshly walked entry names the IPA the walk gave, reading nothing more. */
    @Test
    void aStage2PermissionFaultNamesTheWalksIpaWithoutReadingAgain() {
        mapLevel3Table();
        long ipaC = 0x1_0000_2000L;
        tables.put(S2, tables.get(S2).map(ipaC, 0x8_0000_2000L, 0x1000, Prot.of(Prot.READ)).table());
        guest.page(IOVA, ipaC, AF | AP_UNPRIV);
        TranslationRequest w = TranslationRequest.of(1, IOVA + 0x18, Access.WRITE);
        StreamContext c = ConfigResolution.resolve(1, false, 0, CAPS, stream(), tables::get, guest);
        TranslationFault f = fault(TranslationEngine.translate(w, c, shard));
        assertInstanceOf(org.iommusim.protocol.event.FPermission.class, f);
        assertTrue(f.walk().s2());
        assertEquals(EventClass.INPUT_ADDRESS, f.walk().eventClass());
        assertEquals(ipaC, f.walk().ipa());
        assertEquals(4, guest.reads(), "the four descriptors of the walk, no more");
    }
}
