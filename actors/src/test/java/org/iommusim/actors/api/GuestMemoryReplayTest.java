package org.iommusim.actors.api;

import static org.iommusim.actors.api.GuestMemoryApiTest.ASID;
import static org.iommusim.actors.api.GuestMemoryApiTest.IOVA;
import static org.iommusim.actors.api.GuestMemoryApiTest.IPA_A;
import static org.iommusim.actors.api.GuestMemoryApiTest.IPA_B;
import static org.iommusim.actors.api.GuestMemoryApiTest.PA;
import static org.iommusim.actors.api.GuestMemoryApiTest.S1;
import static org.iommusim.actors.api.GuestMemoryApiTest.S2;
import static org.iommusim.actors.api.GuestMemoryApiTest.SID;
import static org.iommusim.actors.api.GuestMemoryApiTest.TTB0;
import static org.iommusim.actors.api.GuestMemoryApiTest.VMID;
import static org.iommusim.actors.api.GuestMemoryApiTest.out;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.replay.DomainFolder;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.StateReplay;
import org.iommusim.persistence.translate.ConfigResolution;
import org.iommusim.persistence.translate.JournaledGuestMemory;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.persistence.translate.TranslationEngine;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest memory is not needed to replay (issue Q, point 2): each descriptor a cached entry depends on is
 * journaled with its fill (LevelDB), so a restarted model serves the guest's translations from its recovered
 * TLB with no memory attached, and replaying the journal re-walks every fill from the journaled reads alone,
 * giving the same entries and answers as the live walks.
 */
class GuestMemoryReplayTest {

    @Test
    void everyWalkedTranslationReplaysWithoutTheEmbeddersMemory(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(1);
        List<Long> live = new ArrayList<>();
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = GuestMemoryApiTest.setUp(sim);
            GuestMemoryApiTest.GuestRam ram = new GuestMemoryApiTest.GuestRam().build(IPA_A);
            sim.setGuestMemory(smmu, ram);
            live.add(out(sim, smmu, IOVA + 0x18));
            ram.page(IPA_B);
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(VMID, ASID, IOVA, true), CmdSync.poll()));
            live.add(out(sim, smmu, IOVA + 0x18));
        }
        assertEquals(List.of(PA + 0x18, PA + 0x1018), live);
        // a restart: the TLB is recovered from the fills; nothing reads guest memory (none is attached)
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            assertSame(GuestMemory.NONE, sim.guestMemory(smmu));
            assertEquals(PA + 0x1018, out(sim, smmu, IOVA + 0x18));
        }
        // replay: each fill of guest tables re-walked through the reads journaled up to it, on an empty TLB
        List<Long> replayed = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir)) {
            Map<DomainId, PageTable> tables = new HashMap<>();
            for (DomainId d : List.of(S1, S2)) {
                tables.put(d, StateReplay.at(reader, d.persistenceId(), reader.highestSequenceNr(d.persistenceId()),
                        new DomainFolder()).state().table().orElseThrow());
            }
            SmmuCapabilities caps = SmmuCapabilities.defaults();
            StreamConfig stream = new StreamConfig(Ste.nested(0, S1Dss.SSID0, VMID, S2),
                    Map.of(0, Cd.of(ASID, S1).withGuestTables(TTB0)));
            JournaledGuestMemory journaled = new JournaledGuestMemory();
            String tbu = TranslationWorker.persistenceId("smmu-0", caps.tbuOf(SID));
            try (var events = reader.events(tbu, 1, Long.MAX_VALUE)) {
                while (events.hasNext()) {
                    JournalEvent e = events.next();
                    journaled.record(e.payload());
                    if (!(e.payload() instanceof IotlbEvent.Filled f) || f.guestReads().isEmpty()) {
                        continue;
                    }
                    TranslationRequest r = TranslationRequest.of(SID, IOVA + 0x18, Access.READ);
                    Outcome o = TranslationEngine.translate(r, ConfigResolution.resolve(SID, false, 0, caps, stream,
                            tables::get, journaled), IotlbShard.empty(IotlbConfig.ofTbu(caps, caps.tbuOf(SID))));
                    IotlbEvent.Filled again = assertInstanceOf(IotlbEvent.Filled.class, o.fills().get(0));
                    assertEquals(f.entry(), again.entry(), "the same entry from the journaled reads");
                    // the live walk read only the levels the TCU's walk caches did not hold (after the TLBI with
                    // LEAF=1 only level 3); replay, without them, reads the levels above from the journaled words
                    List<MemoryTableWalk.Read> all = again.guestReads();
                    assertEquals(f.guestReads(), all.subList(all.size() - f.guestReads().size(), all.size()));
                    TranslationResult result = o.result();
                    replayed.add(assertInstanceOf(Translated.class, result).outputAddress());
                }
            }
            assertEquals(2, journaled.fills());
        }
        assertEquals(live, replayed);
    }
}
