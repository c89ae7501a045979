package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest whose CD table and stage-1 tables are both in the embedder's memory (issue Q, point 2), replayed with
 * no memory: each fetched CD is journaled with the TCU's configuration-cache fill, so a restart serves the cached
 * CD, {@code translate --at} answers as the live model did before and after the guest's CFGI_CD, {@code log} shows
 * the fetched CD, and {@code verify} matches.
 */
class GuestCdReplayCliTest {
    private static final DomainId S2 = DomainId.of(2);
    private static final long WINDOW = 0x2000_0000L;
    private static final long WINDOW_PA = 0x9100_0000L;
    private static final long TREE_A = WINDOW;
    private static final long TREE_B = WINDOW + 0x4000;
    private static final long CD_IPA = WINDOW + 0x10000;
    private static final long IOVA = 0x4000_0000L;

    static SmmuCapabilities caps() {
        return SmmuCapabilities.builder().tcu(TcuCaches.defaults().withConfigCache(new CacheShape(64, 4))).build();
    }

    private static void write(Map<Long, Long> ram, long ipa, long d) {
        ram.put(WINDOW_PA + (ipa - WINDOW), d);
    }

    private static void tree(Map<Long, Long> ram, long root, long ipa) {
        write(ram, root, (root + 0x1000) | 3);
        write(ram, root + 0x1000 + 8, (root + 0x2000) | 3);
        write(ram, root + 0x2000, (root + 0x3000) | 3);
        write(ram, root + 0x3000, ipa | 3 | 1L << 10 | 1L << 6);
    }

    private static void cd(Map<Long, Long> ram, long ttb0) {
        write(ram, CD_IPA, 16L | (4L << 32) | (1L << 41) | (1L << 45) | (1L << 31) | (5L << 48));
        write(ram, CD_IPA + 8, ttb0);
    }

    private record Run(String first, String second, long afterFirst, long afterSecond) {}

    private static Run run(Path data) {
        Map<Long, Long> ram = new ConcurrentHashMap<>();
        tree(ram, TREE_A, 0x1_0000_0000L);
        tree(ram, TREE_B, 0x1_0000_1000L);
        cd(ram, TREE_A);
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(1).deterministic())) {
            Smmu smmu = sim.addSmmu(0, caps());
            sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
            sim.map(S2, MapBatch.single(0x1_0000_0000L, 0x8_0000_0000L, 0x2000, Prot.rw()));
            sim.map(S2, MapBatch.single(WINDOW, WINDOW_PA, 0x100000, Prot.of(Prot.READ)));
            sim.writeSte(smmu, 7, Ste.nested(0, S1Dss.SSID0, 9, S2).withGuestCds(CD_IPA));
            sim.submitAndWait(smmu, List.of(new CfgiSte(7, false), CmdSync.poll()));
            GuestMemory memory = address -> ram.getOrDefault(address, 0L);
            sim.setGuestMemory(smmu, memory);
            TranslationRequest r = TranslationRequest.of(7, IOVA + 0x18, Access.READ);
            String first = sim.translate(smmu, r).toText();
            sim.runUntilIdle();
            long afterFirst = sim.globalSequence();
            cd(ram, TREE_B);
            sim.submitAndWait(smmu, List.of(new CfgiCd(7, 0, true), new TlbiNhAll(9), CmdSync.poll()));
            String second = sim.translate(smmu, r).toText();
            sim.runUntilIdle();
            return new Run(first, second, afterFirst, sim.globalSequence());
        }
    }

    private static String replayed(Path data, long gsn) {
        ReplayCli cli = ReplayCli.run("translate", "--journal", data.toString(), "--sid", "7", "--iova",
                "0x" + Long.toHexString(IOVA + 0x18), "--at", Long.toString(gsn));
        assertEquals(0, cli.exitCode(), cli.err());
        assertTrue(cli.out().contains("guest     CD table in guest memory at IPA 0x20010000"), cli.out());
        return cli.out().lines().filter(l -> l.startsWith("answer    ")).findFirst().orElseThrow()
                .substring("answer    ".length());
    }

    @Test
    void restartTranslateLogAndVerifyNeedNoGuestMemory(@TempDir Path dir) {
        Path data = dir.resolve("run");
        Run run = run(data);
        assertTrue(run.first().contains("800000018"), run.first());
        assertTrue(run.second().contains("800001018"), run.second());
        assertEquals(run.first(), replayed(data, run.afterFirst()));
        assertEquals(run.second(), replayed(data, run.afterSecond()));

        ReplayCli log = ReplayCli.run("log", "--journal", data.toString());
        assertEquals(0, log.exitCode(), log.err());
        assertEquals(2, log.out().lines().filter(l -> l.contains("from guest memory ipa=0x20010000 pa=0x91010000"))
                .count(), "two CD fetches: " + log.out());
        assertTrue(log.out().contains("dw1=0x20004000"), "the second fetch read tree B: " + log.out());
        assertTrue(log.out().contains("guest-cds"), "the STE as written: " + log.out());

        ReplayCli verify = ReplayCli.run("verify", "--journal", data.toString());
        assertEquals(0, verify.exitCode(), verify.out() + verify.err());

        // a restart with no memory: the TLB and the CD cached in the TCU come back from the journal
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(1).deterministic())) {
            Smmu smmu = sim.addSmmu(0, caps());
            assertSame(GuestMemory.NONE, sim.guestMemory(smmu));
            assertEquals(run.second(), sim.translate(smmu, TranslationRequest.of(7, IOVA + 0x18, Access.READ)).toText());
        }
    }

    @Test
    void aCdTheGuestInvalidatedIsReplayedAsTheSmmuReadItNotAsTheOlderUsableOne(@TempDir Path dir) {
        Path data = dir.resolve("run");
        Map<Long, Long> ram = new ConcurrentHashMap<>();
        tree(ram, TREE_A, 0x1_0000_0000L);
        cd(ram, TREE_A);
        String usable;
        String bad;
        long afterUsable;
        long afterBad;
        TranslationRequest r = TranslationRequest.of(7, IOVA + 0x18, Access.READ);
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(1).deterministic())) {
            Smmu smmu = sim.addSmmu(0, caps());
            sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
            sim.map(S2, MapBatch.single(0x1_0000_0000L, 0x8_0000_0000L, 0x2000, Prot.rw()));
            sim.map(S2, MapBatch.single(WINDOW, WINDOW_PA, 0x100000, Prot.of(Prot.READ)));
            sim.writeSte(smmu, 7, Ste.nested(0, S1Dss.SSID0, 9, S2).withGuestCds(CD_IPA));
            sim.submitAndWait(smmu, List.of(new CfgiSte(7, false), CmdSync.poll()));
            sim.setGuestMemory(smmu, address -> ram.getOrDefault(address, 0L));
            usable = sim.translate(smmu, r).toText();
            sim.runUntilIdle();
            afterUsable = sim.globalSequence();
            // the guest clears CD.V and invalidates: the SMMU reads the CD again, and does not cache it
            write(ram, CD_IPA, ram.get(WINDOW_PA + (CD_IPA - WINDOW)) & ~(1L << 31));
            sim.submitAndWait(smmu, List.of(new CfgiCd(7, 0, true), new TlbiNhAll(9), CmdSync.poll()));
            bad = sim.translate(smmu, r).toText();
            sim.runUntilIdle();
            afterBad = sim.globalSequence();
        }
        assertTrue(usable.contains("800000018"), usable);
        assertTrue(bad.contains("C_BAD_CD"), bad);
        assertEquals(usable, replayed(data, afterUsable));
        assertEquals(bad, replayed(data, afterBad), "the V=0 CD read is journaled, so replay reads it too");
        ReplayCli log = ReplayCli.run("log", "--journal", data.toString());
        assertEquals(0, log.exitCode(), log.err());
        assertTrue(log.out().contains("GUEST_CD_READ") && log.out().contains("V=0, not cached"), log.out());
    }

    @Test
    void twoRunsWriteTheSameLog(@TempDir Path dir) {
        run(dir.resolve("a"));
        run(dir.resolve("b"));
        String a = ReplayCli.run("log", "--journal", dir.resolve("a").toString()).out();
        String b = ReplayCli.run("log", "--journal", dir.resolve("b").toString()).out();
        assertTrue(a.contains("from guest memory"), a);
        assertEquals(a.replace(dir.resolve("a").toString(), "DIR"), b.replace(dir.resolve("b").toString(), "DIR"));
    }
}
