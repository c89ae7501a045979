package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuStatistics;
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
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay tools read the TCU's log ({@code smmu-0/tcu}): {@code state}
 * shows each cache with its shape, counters and entries, as the model held
 * them; {@code trace} shows the fills (named by cache and slot, and the
 * entry each displaced) and the invalidations that touched an address;
 * {@code log} lists every event.
 */
class TcuReplayToolsTest {
    private static final long IOVA = 0x4000_0000L;

    @Test
    void stateShowsEachCacheAndTraceItsFillsAndRemovals(@TempDir Path dir) {
        SmmuStatistics stats;
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic().withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 3), smmu);
            sim.map(d, MapBatch.single(IOVA, 0x8_0000_0000L, 0x2000, Prot.rw()));
            sim.writeCd(smmu, 1, 0, Cd.of(3, d));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            sim.translate(smmu, TranslationRequest.of(1, IOVA, Access.READ));
            sim.translate(smmu, TranslationRequest.of(1, IOVA + 0x1000, Access.READ));
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 3, IOVA + 0x1000, true), CmdSync.poll()));
            sim.advanceTo(sim.virtualNanos() + 20_000_000L); // past the write-behind delay
            stats = sim.statistics(smmu);
        }
        String j = dir.toString();
        ReplayCli state = ReplayCli.run("state", "--journal", j, "--entity", "smmu-0/tcu");
        assertEquals(0, state.exitCode(), state.err());
        String out = state.out();
        for (String cache : List.of("walk-s1-l0", "walk-s1-l1", "walk-s1-l2", "walk-s1-l3", "walk-s2-l0", "ipa")) {
            assertTrue(out.contains(cache + " "), cache + " in:\n" + out);
        }
        var l3 = stats.tcuCache("walk-s1-l3").orElseThrow();
        assertEquals(1, l3.size(), "two leaves filled, one invalidated");
        assertTrue(out.contains("walk-s1-l3 4 4-way entries=1 "), out);
        assertTrue(out.contains("walk-s1-l2 348 4-way entries=1 lookups=0 hits=0 misses=0 fills=1"), out);
        assertTrue(out.contains("va=0x40000000 size=0x1000 leaf descriptor=0x"), out);

        ReplayCli trace = ReplayCli.run("trace", "--journal", j, "--iova", "0x40001000", "--sid", "1");
        assertEquals(0, trace.exitCode(), trace.err());
        assertTrue(trace.out().contains("smmu-0/tcu #") && trace.out().contains("FILLED walk-s1-l3 slot="), trace.out());
        assertTrue(trace.out().contains("FILLED walk-s1-l2 slot="), trace.out());
        assertTrue(trace.out().contains("INVALIDATED TLBI_NH_VA") && trace.out().contains("removed=1"), trace.out());
        ReplayCli log = ReplayCli.run("log", "--journal", j, "--entity", "smmu-0/tcu");
        assertTrue(log.out().contains("CONFIGURED s1=4x4/28x4/348x4/4x4 s2=4x4/28x4/92x4/4x4 ipa=none"), log.out());
    }

    @Test
    void aBoundedConfigurationCacheIsShownWithItsEntriesFillsAndCfgis(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic().withWorkers(1))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.builder().tcu(org.iommusim.protocol.capability.TcuCaches
                    .defaults().withConfigCache(new org.iommusim.protocol.capability.CacheShape(2, 2))).build());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 3), smmu);
            sim.map(d, MapBatch.single(IOVA, 0x8_0000_0000L, 0x2000, Prot.rw()));
            for (int sid = 1; sid <= 2; sid++) {
                sim.writeCd(smmu, sid, 0, Cd.of(3, d));
                sim.writeSte(smmu, sid, Ste.stage1(0, S1Dss.SSID0));
            }
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), new CfgiSte(2, false), CmdSync.poll()));
            sim.translate(smmu, TranslationRequest.of(1, IOVA, Access.READ)); // STE and CD of sid 1: the two entries
            sim.translate(smmu, TranslationRequest.of(2, IOVA, Access.READ)); // sid 2's evict them
            sim.submitAndWait(smmu, List.of(new CfgiSte(2, true), CmdSync.poll()));
            sim.translate(smmu, TranslationRequest.of(1, IOVA, Access.READ));
            sim.writeSte(smmu, 1, Ste.bypass()); // no CFGI: sid 1's cached STE stays in force
            sim.advanceTo(sim.virtualNanos() + 20_000_000L);
        }
        String j = dir.toString();
        ReplayCli state = ReplayCli.run("state", "--journal", j, "--entity", "smmu-0/tcu");
        assertEquals(0, state.exitCode(), state.err());
        String out = state.out();
        assertTrue(out.contains("config 2 2-way entries=2 lookups=0 hits=0 misses=0 fills=6 evictions=2 invalidated=2"),
                out);
        assertTrue(out.contains("sid=0x1 STE ") && out.contains("sid=0x1 ssid=0 CD "), out);
        ReplayCli log = ReplayCli.run("log", "--journal", j, "--entity", "smmu-0/tcu");
        assertEquals(0, log.exitCode(), log.err());
        assertTrue(log.out().contains("config=2 2-way"), log.out());
        assertTrue(log.out().contains("FILLED config slot="), log.out());
        assertTrue(log.out().contains("INVALIDATED config CFGI_STE") && log.out().contains("removed=2"), log.out());
        assertEquals(2, log.out().lines().filter(l -> l.contains(" evicting ")).count(),
                "a line per eviction the state counts, each naming what its fill displaced:\n" + log.out());
        assertTrue(log.out().lines().anyMatch(l -> l.contains("FILLED config slot=") && l.contains(" sid=0x2 ")
                && l.contains(" evicting sid=0x1 ")), "sid 2's fills displaced sid 1's entries:\n" + log.out());
        List<String> sid1Fills = log.out().lines()
                .filter(l -> l.contains("FILLED config") && l.split(" evicting ")[0].contains(" sid=0x1 ")).toList();
        assertEquals(4, sid1Fills.size(), "sid 1 filled its STE and CD twice:\n" + log.out());
        assertTrue(sid1Fills.stream().noneMatch(l -> l.contains(" evicting ")), "into free slots:\n" + sid1Fills);
        ReplayCli trace = ReplayCli.run("trace", "--journal", j, "--iova", "0x40000000", "--sid", "2");
        assertEquals(0, trace.exitCode(), trace.err());
        assertTrue(trace.out().contains("FILLED config slot=") && trace.out().contains("sid=0x2 STE"), trace.out());
        assertTrue(trace.out().contains("INVALIDATED config CFGI_STE"), trace.out());
        assertTrue(trace.out().lines().noneMatch(l -> l.split(" evicting ")[0].contains("sid=0x1 STE")),
                "sid 1's fills are not sid 2's history:\n" + trace.out());
        assertTrue(trace.out().contains(" evicting sid=0x1 STE "), "but what sid 2's fills displaced is:\n" + trace.out());
        ReplayCli smmuState = ReplayCli.run("state", "--journal", j, "--entity", "smmu-0");
        assertTrue(smmuState.out().contains("config bounded 2 2-way: in the TCU's log"), smmuState.out());
        assertTrue(!smmuState.out().contains("config sid="), "CFGIs loaded nothing into the SMMU's state");
        ReplayCli cached = ReplayCli.run("translate", "--journal", j, "--sid", "1", "--iova", "0x40000000");
        assertEquals(0, cached.exitCode(), cached.err());
        assertTrue(cached.out().contains("STE       STAGE1"), "the cached STE, not memory's BYPASS:\n" + cached.out());
        assertTrue(cached.out().contains("0x800000000"), cached.out());
    }
}
