package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;
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
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code translate --at} and {@code trace} are exact at every point of the
 * causal order: a live run (deterministic mode, two devices on two
 * translation workers, a lazy flush: each device's buffer unmapped at once,
 * one TLBI per device and one CMD_SYNC later, as Linux's flush queue does)
 * records after every step the answer the model gave to four probe DMAs and
 * the global sequence number it answered at ({@link IommuSim#globalSequence}).
 * The replay answers the same at each of those points, and at every global
 * sequence number between two of them it answers what the live model gave
 * just before, then (once) what it gave just after: the point where an
 * answer changes is one event, never a guess between events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CausalTranslateTest {
    private static final long A = 0x1000_0000L; // device 16's buffer, unmapped
    private static final long B = 0x1000_1000L; // device 16, stays mapped
    private static final long C = 0x2000_0000L; // device 17's buffer, unmapped
    private static final long D = 0x2000_1000L; // device 17, stays mapped

    /** One probe: the request, the global sequence number it was answered at, the answer. */
    private record Probe(String name, int sid, long iova, long gsn, String answer) {}

    private final Map<String, TranslationRequest> requests = new LinkedHashMap<>();
    private final List<Probe> probes = new ArrayList<>();
    private Path data;
    private long firstUnmap;
    private long afterSync;
    private long staleHitAt;

    @BeforeAll
    void record(@TempDir Path dir) {
        data = dir.resolve("run");
        requests.put("A", TranslationRequest.of(16, A + 0x40, Access.READ));
        requests.put("B", TranslationRequest.of(16, B + 0x40, Access.READ));
        requests.put("C", TranslationRequest.of(17, C + 0x80, Access.READ));
        requests.put("D", TranslationRequest.of(17, D + 0x80, Access.READ));
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(2).deterministic())) {
            // two TBUs, stream 16 on TBU 0 and 17 on TBU 1: with two workers each device's TLB is on its own worker
            TbuTlb tlb = TbuTlb.fullyAssociative(64, IotlbPolicy.LRU, 1);
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults().toBuilder().tbus(List.of(tlb, tlb))
                    .streamTbus(Map.of(16, 0, 17, 1)).build());
            DomainId d1 = DomainId.of(1);
            DomainId d2 = DomainId.of(2);
            sim.allocateDomain(d1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.allocateDomain(d2, DomainSpec.stage1(Granule.G4K, 48, 48, 6), smmu);
            sim.map(d1, MapBatch.single(A, 0x8000_0000L, 0x1000, Prot.rw()));
            sim.map(d1, MapBatch.single(B, 0x8000_1000L, 0x1000, Prot.rw()));
            sim.map(d2, MapBatch.single(C, 0x9000_0000L, 0x1000, Prot.rw()));
            sim.map(d2, MapBatch.single(D, 0x9000_1000L, 0x1000, Prot.rw()));
            sim.writeCd(smmu, 16, 0, Cd.of(5, d1));
            sim.writeSte(smmu, 16, Ste.stage1(0, S1Dss.SSID0));
            sim.writeCd(smmu, 17, 0, Cd.of(6, d2));
            sim.writeSte(smmu, 17, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(16, false), new CfgiSte(17, false), CmdSync.poll()));
            probe(sim, smmu);                                       // misses: fills, decided now
            sim.advanceTo(sim.virtualNanos() + 1_000_000);           // the fills are written behind
            probe(sim, smmu);                                       // hits
            firstUnmap = sim.globalSequence() + 1;
            sim.unmap(d1, UnmapBatch.single(A, 0x1000));             // lazy: no TLBI yet
            probe(sim, smmu);
            staleHitAt = sim.globalSequence();
            sim.unmap(d2, UnmapBatch.single(C, 0x1000));
            probe(sim, smmu);
            sim.advanceTo(sim.virtualNanos() + 1_000_000);
            probe(sim, smmu);
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, A, true), TlbiNhVa.of(0, 6, C, true),
                    CmdSync.poll()));                                // the flush queue's one sync
            afterSync = sim.globalSequence();
            probe(sim, smmu);
            sim.advanceTo(sim.virtualNanos() + 1_000_000);
            probe(sim, smmu);
        }
    }

    /** Every probe DMA once, each with the point it was answered at. */
    private void probe(IommuSim sim, Smmu smmu) {
        sim.runUntilIdle(); // nothing else in flight: the answer is decided at the point read after it
        for (Map.Entry<String, TranslationRequest> r : requests.entrySet()) {
            String answer = sim.translate(smmu, r.getValue()).toText();
            sim.runUntilIdle();
            probes.add(new Probe(r.getKey(), r.getValue().sid(), r.getValue().iova(), sim.globalSequence(), answer));
        }
    }

    private String replayed(TranslationRequest r, String at) {
        ReplayCli cli = ReplayCli.run("translate", "--journal", data.toString(), "--sid", Integer.toString(r.sid()),
                "--iova", "0x" + Long.toHexString(r.iova()), "--at", at);
        assertEquals(0, cli.exitCode(), cli.err());
        return cli.out().lines().filter(l -> l.startsWith("answer    ")).findFirst().orElseThrow()
                .substring("answer    ".length());
    }

    @Test
    void eachDeviceFilledTheTlbOfItsOwnTbu() {
        ReplayCli inspect = ReplayCli.run("inspect", "--journal", data.toString());
        assertEquals(0, inspect.exitCode(), inspect.err());
        for (String tbu : List.of("smmu-0/tbu-0", "smmu-0/tbu-1")) {
            String row = inspect.out().lines().filter(l -> l.startsWith(tbu + " ")).findFirst().orElseThrow();
            assertTrue(Long.parseLong(row.trim().split("\\s+")[1]) > 1, "fills in " + row);
        }
    }

    @Test
    void theLiveRunShowsTheStaleWindowOfALazyFlush() {
        Map<String, Probe> stale = new HashMap<>();
        Map<String, Probe> flushed = new HashMap<>();
        for (Probe p : probes) {
            if (p.gsn() >= staleHitAt && p.gsn() < afterSync) {
                stale.putIfAbsent(p.name(), p);
            } else if (p.gsn() > afterSync) {
                flushed.put(p.name(), p);
            }
        }
        // unmapped but not yet invalidated: the IOTLB still answers with the old page
        assertTrue(stale.get("A").answer().startsWith("TRANSLATED"), stale.toString());
        assertTrue(flushed.get("A").answer().startsWith("FAULT"), flushed.toString());
        assertTrue(flushed.get("C").answer().startsWith("FAULT"), flushed.toString());
        assertTrue(flushed.get("B").answer().startsWith("TRANSLATED"), flushed.toString());
    }

    @Test
    void translateAtEveryProbePointAnswersWhatTheLiveModelAnswered() {
        for (Probe p : probes) {
            assertEquals(p.answer(), replayed(requests.get(p.name()), Long.toString(p.gsn())),
                    p.name() + " at g=" + p.gsn());
        }
    }

    @Test
    void betweenProbePointsTheAnswerChangesOnceAtOneEvent() {
        for (String name : List.of("A", "C")) {
            TreeMap<Long, String> live = new TreeMap<>();
            probes.stream().filter(p -> p.name().equals(name)).forEach(p -> live.put(p.gsn(), p.answer()));
            long from = live.floorKey(firstUnmap - 1);
            long to = live.lastKey();
            boolean changed = false;
            String previous = null;
            for (long g = from; g <= to; g++) {
                String answer = replayed(requests.get(name), Long.toString(g));
                Map.Entry<Long, String> before = live.floorEntry(g);
                Map.Entry<Long, String> after = live.ceilingEntry(g);
                if (before.getKey() == g) {
                    assertEquals(before.getValue(), answer, name + " at probe point g=" + g);
                    changed = false;
                } else {
                    assertTrue(answer.equals(before.getValue()) || answer.equals(after.getValue()),
                            name + " at g=" + g + ": " + answer + " is neither the live answer at g="
                                    + before.getKey() + " nor at g=" + after.getKey());
                    if (changed) {
                        assertEquals(after.getValue(), answer, name + " at g=" + g + " changed back");
                    }
                    changed |= !answer.equals(before.getValue());
                }
                previous = answer;
            }
            assertTrue(previous != null);
        }
    }

    @Test
    void aVirtualTimeNamesTheLastPointDecidedByThen() {
        ReplayCli log = ReplayCli.run("log", "--journal", data.toString());
        assertEquals(0, log.exitCode(), log.err());
        TreeMap<Long, Long> timeOf = new TreeMap<>();
        log.out().lines().forEach(l -> {
            String[] f = l.split(" ");
            timeOf.put(Long.parseLong(f[0].substring(2)), Long.parseLong(f[1].substring(2, f[1].length() - 2)));
        });
        String unmap = log.out().lines().filter(l -> l.contains(" domain-1 #") && l.contains(" UNMAP "))
                .findFirst().orElseThrow();
        long t = Long.parseLong(unmap.split(" ")[1].replaceAll("[^0-9]", ""));
        long expected = timeOf.entrySet().stream().filter(e -> e.getValue() <= t).mapToLong(Map.Entry::getKey)
                .max().orElseThrow();
        ReplayCli at = ReplayCli.run("translate", "--journal", data.toString(), "--sid", "16", "--iova",
                "0x" + Long.toHexString(A + 0x40), "--at", "t=" + t + "ns");
        assertEquals(0, at.exitCode(), at.err());
        assertTrue(at.out().startsWith("smmu-0 g=" + expected + " t=" + timeOf.get(expected) + "ns "), at.out());
        assertEquals(replayed(requests.get("A"), Long.toString(expected)),
                replayed(requests.get("A"), "t=" + t / 1000 + "us"), "t= in microseconds names the same point");
    }

    @Test
    void logAndTraceFollowTheCausalOrderAndPrintBothStamps() {
        ReplayCli log = ReplayCli.run("log", "--journal", data.toString());
        long last = 0;
        for (String line : log.out().lines().toList()) {
            assertTrue(line.matches("g=\\d+ t=\\d+ns \\S+ #\\d+ .*"), line);
            long g = Long.parseLong(line.substring(2, line.indexOf(' ')));
            assertEquals(last + 1, g, "one event per global sequence number, in order: " + line);
            last = g;
        }
        ReplayCli trace = ReplayCli.run("trace", "--journal", data.toString(), "--iova", "0x" + Long.toHexString(A));
        assertEquals(0, trace.exitCode(), trace.err());
        List<String> lines = trace.out().lines().filter(l -> l.startsWith("g=")).toList();
        // fill, unmap, TLBI consumed, invalidation: in the order the model decided them
        int fill = indexOf(lines, "FILLED");
        int unmap = indexOf(lines, "UNMAP");
        int invalidated = indexOf(lines, "INVALIDATED");
        assertTrue(fill < unmap && unmap < invalidated, trace.out());
        assertFalse(trace.err().contains("write time"), trace.err());
    }

    private static int indexOf(List<String> lines, String word) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(" " + word)) {
                return i;
            }
        }
        throw new AssertionError("no " + word + " in " + lines);
    }
}
