package org.iommusim.simulations.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.dispatch.Mailbox;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.internal.ModelInternals;
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
 * Where a strict packet's time goes, measured by the clock turn by turn
 * (docs/PERFORMANCE.md, "Where a strict packet's time goes"): in
 * deterministic mode each actor turn, journal write and callback is one task
 * of the caller-driven executor, whose observer sees each one start, so the
 * time from one start to the next is a turn's cost. Sampling profilers miss
 * part of it (JFR's execution samples do not see the native LevelDB writes).
 * One SMMU, one stage-1 domain; each packet maps a 4K page, translates it
 * four times (IOTLB hits), unmaps it and issues TLBI_NH_VA + CMD_SYNC, as a
 * strict driver does. The first half of the packets warm up; the second half
 * is counted.
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.TurnBreakdown [packets]}
 */
public final class TurnBreakdown {
    private TurnBreakdown() {}

    /** Per step of a packet: its time and, per actor path (or task kind), the time of its turns. */
    public record Step(String name, double micros, Map<String, Double> turnMicros, Map<String, Double> turns) {}

    public static void main(String[] args) throws Exception {
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        for (Step s : run(packets)) {
            System.out.printf("%-16s %7.2f us per packet%n", s.name(), s.micros());
            s.turnMicros().forEach((who, us) -> {
                if (us >= 0.005) { // leaves out what ran in a few packets only, for under 5 ns a packet
                    System.out.printf("    %-48s %7.2f us in %5.2f turns%n", who, us, s.turns().get(who));
                }
            });
        }
    }

    public static List<Step> run(int packets) throws Exception {
        if (packets < 2) {
            throw new IllegalArgumentException("at least 2 packets, got " + packets);
        }
        Path dir = Files.createTempDirectory("iommu-sim-turns");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            DomainId d = DomainId.of(1);
            sim.allocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.writeCd(smmu, 1, 0, Cd.of(5, d));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            Timer timer = new Timer(ModelInternals.deterministicRuntime(sim).executor()::observe);
            String[] names = {"map", "4 x translate", "unmap", "TLBI + CMD_SYNC"};
            long[] total = new long[names.length];
            List<Map<String, long[]>> byActor = new ArrayList<>();
            for (int s = 0; s < names.length; s++) {
                byActor.add(new TreeMap<>());
            }
            for (int i = 0; i < packets; i++) {
                boolean counted = i >= packets / 2;
                long iova = 0x1000_0000L + (i % 256) * 0x1000L;
                for (int s = 0; s < names.length; s++) {
                    timer.start();
                    switch (s) {
                        case 0 -> sim.map(d, MapBatch.single(iova, 0x8000_0000L, 0x1000, Prot.rw()));
                        case 1 -> {
                            for (int k = 0; k < 4; k++) {
                                sim.translate(smmu, TranslationRequest.of(1, iova, Access.READ));
                            }
                        }
                        case 2 -> sim.unmap(d, UnmapBatch.single(iova, 0x1000));
                        default -> sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, iova, true), CmdSync.poll()));
                    }
                    long took = timer.stop(counted ? byActor.get(s) : null);
                    if (counted) {
                        total[s] += took;
                    }
                }
            }
            long n = packets - packets / 2;
            List<Step> out = new ArrayList<>();
            for (int s = 0; s < names.length; s++) {
                Map<String, Double> us = new TreeMap<>();
                Map<String, Double> turns = new TreeMap<>();
                byActor.get(s).forEach((who, v) -> {
                    us.put(who, v[0] / 1e3 / n);
                    turns.put(who, (double) v[1] / n);
                });
                out.add(new Step(names[s], total[s] / 1e3 / n, us, turns));
            }
            return out;
        } finally {
            DomainMapBench.deleteTree(dir);
        }
    }

    /** Records when each task starts between {@link #start} and {@link #stop}, and who ran it. */
    private static final class Timer {
        private final java.util.function.Consumer<java.util.function.Consumer<Runnable>> observe;
        private final List<String> who = new ArrayList<>();
        private final List<Long> at = new ArrayList<>();
        private long started;

        Timer(java.util.function.Consumer<java.util.function.Consumer<Runnable>> observe) {
            this.observe = observe;
        }

        void start() {
            who.clear();
            at.clear();
            observe.accept(task -> {
                who.add(task instanceof Mailbox m ? m.actor().self().path().toStringWithoutAddress()
                        : task.getClass().getSimpleName());
                at.add(System.nanoTime());
            });
            started = System.nanoTime();
        }

        /** The call's time; each task's time (to the next task's start, or the call's end) added to {@code into}. */
        long stop(Map<String, long[]> into) {
            long end = System.nanoTime();
            observe.accept(null);
            if (into != null) {
                add(into, "(the caller, before the first task)", (at.isEmpty() ? end : at.get(0)) - started);
                for (int j = 0; j < at.size(); j++) {
                    add(into, who.get(j), (j + 1 < at.size() ? at.get(j + 1) : end) - at.get(j));
                }
            }
            return end - started;
        }

        private static void add(Map<String, long[]> m, String k, long nanos) {
            long[] v = m.computeIfAbsent(k, x -> new long[2]);
            v[0] += nanos;
            v[1]++;
        }
    }
}
