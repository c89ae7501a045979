package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay tools on a journal of a guest that owns its stage-1 tables in the embedder's memory (issue Q,
 * point 2): {@code translate --at} answers as the live model did after each fill, with no guest memory (the
 * walk reads what the fills journaled); {@code log} shows each fill's guest reads; {@code verify} matches.
 */
class GuestTablesReplayCliTest {
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId S1 = DomainId.of(3);
    private static final long TTB0 = 0x2000_0000L;
    private static final long POOL_PA = 0x9100_0000L;
    private static final long IOVA = 0x4000_0000L;

    private static void writeAtIpa(Map<Long, Long> ram, long ipa, long d) {
        ram.put(POOL_PA + (ipa - TTB0), d);
    }

    private static String replayed(Path data, long gsn) {
        ReplayCli cli = ReplayCli.run("translate", "--journal", data.toString(), "--sid", "7", "--iova",
                "0x" + Long.toHexString(IOVA + 0x18), "--at", Long.toString(gsn));
        assertEquals(0, cli.exitCode(), cli.err());
        assertTrue(cli.out().contains("guest     stage-1 tables in guest memory at IPA 0x20000000"), cli.out());
        return cli.out().lines().filter(l -> l.startsWith("answer    ")).findFirst().orElseThrow()
                .substring("answer    ".length());
    }

    /** What one run answered, and the global sequence numbers just after each answer. */
    private record Run(String first, String second, long afterFirst, long afterSecond) {}

    /** The guest maps IOVA to IPA 0x1_0000_0000, translates, remaps it to 0x1_0000_1000, TLBIs, translates. */
    private static Run run(Path data) {
        Map<Long, Long> ram = new ConcurrentHashMap<>();
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(1).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
            sim.allocateDomain(S1, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), smmu);
            sim.map(S2, MapBatch.single(0x1_0000_0000L, 0x8_0000_0000L, 0x2000, Prot.rw()));
            sim.map(S2, MapBatch.single(TTB0, POOL_PA, 0x4000, Prot.of(Prot.READ)));
            sim.writeCd(smmu, 7, 0, Cd.of(5, S1).withGuestTables(TTB0));
            sim.writeSte(smmu, 7, Ste.nested(0, S1Dss.SSID0, 9, S2));
            sim.submitAndWait(smmu, List.of(new CfgiSte(7, false), CmdSync.poll()));
            writeAtIpa(ram, TTB0, (TTB0 + 0x1000) | 3);
            writeAtIpa(ram, TTB0 + 0x1000 + 8, (TTB0 + 0x2000) | 3);
            writeAtIpa(ram, TTB0 + 0x2000, (TTB0 + 0x3000) | 3);
            writeAtIpa(ram, TTB0 + 0x3000, 0x1_0000_0000L | 3 | 1L << 10 | 1L << 6);
            GuestMemory memory = address -> ram.getOrDefault(address, 0L);
            sim.setGuestMemory(smmu, memory);
            TranslationRequest r = TranslationRequest.of(7, IOVA + 0x18, Access.READ);
            String first = sim.translate(smmu, r).toText();
            sim.runUntilIdle();
            long afterFirst = sim.globalSequence();
            writeAtIpa(ram, TTB0 + 0x3000, 0x1_0000_1000L | 3 | 1L << 10 | 1L << 6);
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(9, 5, IOVA, true), CmdSync.poll()));
            String second = sim.translate(smmu, r).toText();
            sim.runUntilIdle();
            return new Run(first, second, afterFirst, sim.globalSequence());
        }
    }

    /** Deterministic mode: the guest's reads are journaled the same way every time (same seed, same log). */
    @Test
    void twoRunsWriteTheSameLog(@TempDir Path dir) {
        run(dir.resolve("a"));
        run(dir.resolve("b"));
        String a = ReplayCli.run("log", "--journal", dir.resolve("a").toString()).out();
        String b = ReplayCli.run("log", "--journal", dir.resolve("b").toString()).out();
        assertTrue(a.contains("guest reads"), a);
        assertEquals(a.replace(dir.resolve("a").toString(), "DIR"), b.replace(dir.resolve("b").toString(), "DIR"));
    }

    @Test
    void translateLogAndVerifyNeedNoGuestMemory(@TempDir Path dir) {
        Path data = dir.resolve("run");
        Run run = run(data);
        String first = run.first();
        String second = run.second();
        long afterFirst = run.afterFirst();
        long afterSecond = run.afterSecond();
        assertTrue(first.contains("800000018"), first);
        assertTrue(second.contains("800001018"), second);
        assertEquals(first, replayed(data, afterFirst));
        assertEquals(second, replayed(data, afterSecond));

        ReplayCli log = ReplayCli.run("log", "--journal", data.toString());
        assertEquals(0, log.exitCode(), log.err());
        assertEquals(2, log.out().lines().filter(l -> l.contains("FILLED") && l.contains("guest reads")).count(),
                log.out());
        assertTrue(log.out().contains("L3 ipa=0x20003000 pa=0x91003000=0x100001443"), log.out());
        assertTrue(log.out().contains("(guest tables)"), "the CD as written: " + log.out());

        ReplayCli verify = ReplayCli.run("verify", "--journal", data.toString());
        assertEquals(0, verify.exitCode(), verify.out() + verify.err());
    }
}
