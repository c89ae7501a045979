package org.iommusim.actors.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * The process {@link CrashRecoveryTest} kills: a driver on the model (fsync
 * on) that maps, translates (filling the IOTLB), unmaps and invalidates with
 * TLBI + CMD_SYNC, and rewrites STEs with CFGI + CMD_SYNC, recording each
 * call in a {@link CrashLedger} until it is killed. Trial {@code t} works on
 * its own domain and streams, so every trial's ledger stays checkable after
 * the later ones. Arguments: data directory, ledger file, trial, seed.
 */
public final class CrashChild {
    static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    static final int WORKERS = 2;
    static final int SLOTS = 48;

    private CrashChild() {}

    static long domain(int t) {
        return t + 1;
    }

    static int asid(int t) {
        return t + 1;
    }

    /** The stream that translates through trial {@code t}'s domain. */
    static int sid(int t) {
        return 2 * t + 1;
    }

    /** A stream whose STE trial {@code t} keeps rewriting. */
    static int spareSid(int t) {
        return 2 * t + 2;
    }

    static long iova(int slot) {
        return 0x40_0000L + slot * 0x1000L;
    }

    static Ste ste(String kind) {
        return switch (kind) {
            case "S1" -> Ste.stage1(0, S1Dss.SSID0);
            case "ABORT" -> Ste.abort();
            case "BYPASS" -> Ste.bypass();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int t = Integer.parseInt(args[2]);
        Random rnd = new Random(Long.parseLong(args[3]));
        long deadline = System.nanoTime() + 120_000_000_000L; // the parent kills it long before
        try (CrashLedger ledger = CrashLedger.create(Path.of(args[1]));
                IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(WORKERS))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            System.out.println("READY");
            System.out.flush();
            DomainId d = DomainId.of(domain(t));
            long n = ledger.begin("ALLOC", "" + domain(t));
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, asid(t)), smmu);
            ledger.ack(n);
            n = ledger.begin("CD", "" + sid(t));
            sim.writeCd(smmu, sid(t), 0, Cd.of(asid(t), d));
            ledger.ack(n);
            steAndCfgi(sim, smmu, ledger, sid(t), "S1");

            Map<Integer, Long> mapped = new HashMap<>(); // slot -> pa
            long nextPa = 0x1_0000_0000L * (t + 1);
            while (System.nanoTime() < deadline) {
                int r = rnd.nextInt(100);
                List<Integer> used = new ArrayList<>(mapped.keySet());
                if (r < 35 && mapped.size() < SLOTS) {
                    int slot = rnd.nextInt(SLOTS);
                    while (mapped.containsKey(slot)) {
                        slot = (slot + 1) % SLOTS;
                    }
                    long pa = nextPa;
                    nextPa += 0x1000;
                    n = ledger.begin("MAP", "" + iova(slot), "" + pa);
                    sim.map(d, MapBatch.single(iova(slot), pa, 0x1000, Prot.rw()));
                    ledger.ack(n);
                    mapped.put(slot, pa);
                } else if (r < 60 && !used.isEmpty()) {
                    int slot = used.get(rnd.nextInt(used.size()));
                    sim.translate(smmu, TranslationRequest.of(sid(t), iova(slot) + 8, Access.READ)); // fills the IOTLB
                } else if (r < 85 && !used.isEmpty()) {
                    int slot = used.get(rnd.nextInt(used.size()));
                    n = ledger.begin("UNMAP", "" + iova(slot));
                    sim.unmap(d, UnmapBatch.single(iova(slot), 0x1000));
                    ledger.ack(n);
                    n = ledger.begin("INV", "" + iova(slot));
                    sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, asid(t), iova(slot), true), CmdSync.poll()));
                    ledger.ack(n);
                    mapped.remove(slot); // only now may the slot be mapped again
                } else {
                    String[] kinds = {"S1", "ABORT", "BYPASS"};
                    steAndCfgi(sim, smmu, ledger, spareSid(t), kinds[rnd.nextInt(kinds.length)]);
                }
            }
        }
        System.exit(3); // never killed: the parent has gone
    }

    private static void steAndCfgi(IommuSim sim, Smmu smmu, CrashLedger ledger, int sid, String kind)
            throws java.io.IOException {
        long n = ledger.begin("STE", "" + sid, kind);
        sim.writeSte(smmu, sid, ste(kind));
        ledger.ack(n);
        n = ledger.begin("CFGI", "" + sid);
        sim.submitAndWait(smmu, List.of(new CfgiSte(sid, false), CmdSync.poll()));
        ledger.ack(n);
    }
}
