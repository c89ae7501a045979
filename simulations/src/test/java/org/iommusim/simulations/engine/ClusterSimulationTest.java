package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.cluster.JdbcJournal;
import org.iommusim.cluster.Postgres;
import org.iommusim.simulations.cli.IommuSimCli;
import org.iommusim.simulations.cluster.ClusterSimulation;
import org.iommusim.simulations.report.SimulationReport;
import java.util.List;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.simulations.scenario.Costs;
import org.iommusim.simulations.scenario.DeviceDef;
import org.iommusim.simulations.scenario.DomainDef;
import org.iommusim.simulations.scenario.DriverDef;
import org.iommusim.simulations.scenario.FaultInjection;
import org.iommusim.simulations.scenario.RunLength;
import org.iommusim.simulations.scenario.SmmuDef;
import org.iommusim.simulations.scenario.Workload;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.iommusim.simulations.scenario.StreamDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code simulate --cluster}: a scenario with a NIC on each of three SMMUs runs
 * on three cluster nodes in this JVM (each SMMU a partition, placed by
 * sharding, one per node) and again on one model with the threaded (concurrent) engine.
 * The single-node run does exactly the operations each device did on the
 * cluster (a threaded run's shared budget splits between devices by a race),
 * so both drivers issue the same maps, unmaps, TLBIs and CMD_SYNCs. Then
 * the checker's verdict, every domain's final page table, the STE and CD in
 * force for every stream and the CMD_SYNCs each SMMU completed are equal,
 * and {@code verify} passes on the cluster run's folder, whose journal is
 * the SQL rows copied out.
 */
class ClusterSimulationTest {
    /**
     * Two SMMUs, a strict driver, a NIC ring on SMMU 0 and {@code second}'s
     * workload on SMMU 1; {@code stray}: the NIC's late DMA; {@code faults}
     * the injected ones.
     */
    static Scenario twoSmmus(String name, long ops, String stray, String second, String faults) {
        return ScenarioLoader.load("""
                scenario {
                  name = "%s"
                  question = "Does a cluster run judge and end as one model?"
                  seed = 9
                  length { operations = %d }
                  smmus = [ { id = 0, iotlb-entries = 256, iotlb-policy = lru },
                            { id = 1, iotlb-entries = 128, iotlb-policy = lru } ]
                  domains = [
                    { id = 1, smmu = 0, stage = stage1, granule = 4K, ias = 48, oas = 48, asid = 1 },
                    { id = 2, smmu = 1, stage = stage1, granule = 4K, ias = 48, oas = 48, asid = 2 }
                  ]
                  streams = [
                    { smmu = 0, sid = 16, config = stage1, domain = 1 },
                    { smmu = 1, sid = 17, config = stage1, domain = 2 }
                  ]
                  driver { strategy = strict, invalidation = range }
                  devices = [
                    { name = nic0, smmu = 0, stream = 16, %s
                      workload { kind = nic-ring, ring = 16, packet = 4K, dma-per-packet = 4 } },
                    { name = dev1, smmu = 1, stream = 17, workload { %s } }
                  ]
                  faults = [ %s ]
                }
                """.formatted(name, ops, stray, second, faults), name + ".conf");
    }

    /** Three SMMUs, a NIC on each: on three nodes, a partition and its devices' DMA on every node. */
    static final Scenario CLEAN = ScenarioLoader.load("""
            scenario {
              name = "cluster-clean"
              question = "Does a cluster run judge and end as one model?"
              seed = 9
              length { operations = 600 }
              smmus = [ { id = 0, iotlb-entries = 256, iotlb-policy = lru },
                        { id = 1, iotlb-entries = 128, iotlb-policy = lru },
                        { id = 2, iotlb-entries = 64, iotlb-policy = fifo } ]
              domains = [
                { id = 1, smmu = 0, stage = stage1, granule = 4K, ias = 48, oas = 48, asid = 1 },
                { id = 2, smmu = 1, stage = stage1, granule = 4K, ias = 48, oas = 48, asid = 2 },
                { id = 3, smmu = 2, stage = stage1, granule = 4K, ias = 48, oas = 48, asid = 3 }
              ]
              streams = [
                { smmu = 0, sid = 16, config = stage1, domain = 1 },
                { smmu = 1, sid = 17, config = stage1, domain = 2 },
                { smmu = 2, sid = 18, config = stage1, domain = 3 }
              ]
              driver { strategy = strict, invalidation = range }
              devices = [
                { name = nic0, smmu = 0, stream = 16,
                  workload { kind = nic-ring, ring = 16, packet = 4K, dma-per-packet = 4 } },
                { name = nic1, smmu = 1, stream = 17,
                  workload { kind = nic-ring, ring = 8, packet = 8K, dma-per-packet = 2 } },
                { name = nic2, smmu = 2, stream = 18,
                  workload { kind = nic-ring, ring = 4, packet = 2K, dma-per-packet = 1 } }
              ]
            }
            """, "cluster-clean.conf");

    @Test
    void threeNodesOnH2JudgeAndEndAsOneModel(@TempDir Path dir) throws IOException {
        sameVerdict(compare(CLEAN, h2("clean"), dir));
    }

    @Test
    void threeNodesOnPostgresJudgeAndEndAsOneModel(@TempDir Path dir) throws IOException {
        sameVerdict(compare(CLEAN, Postgres.journal(), dir));
    }

    /**
     * A clean scenario's verdict: no violation and no stale use on either
     * (a threaded run's counts of a bug's stale uses depend on the timing of
     * each late DMA, so only a clean verdict compares exactly).
     */
    private static void sameVerdict(Runs r) {
        assertEquals(r.single.checker().violationCount(), r.cluster.checker().violationCount(), "violations");
        assertEquals(r.single.checker().staleUses(), r.cluster.checker().staleUses(), "stale uses");
        assertEquals(r.single.checker().staleUsesAfterSync(), r.cluster.checker().staleUsesAfterSync(),
                "stale uses after their CMD_SYNC");
        assertEquals(0, r.cluster.checker().violationCount() + r.cluster.checker().staleUses(),
                "a clean scenario: " + r.cluster.checker());
    }

    /**
     * Dropped TLBIs, and NICs that DMA once more into the buffer just
     * unmapped: the stale entry is used after its CMD_SYNC, on the cluster as
     * on one model, and the audit finds it cached after that sync on both.
     * How many late DMAs land on a stale entry depends on the threads'
     * timing, so the rules caught are compared, not the counts.
     * Only the NIC invalidates (the device on SMMU 1 keeps its window mapped),
     * so which invalidation is the nth, whose TLBIs are dropped, is the same
     * in both runs: a count shared by two invalidating threads would not be.
     */
    @Test
    void aDroppedTlbiIsCaughtByTheSameRuleOnTheCluster(@TempDir Path dir) throws IOException {
        StringBuilder drops = new StringBuilder();
        for (int n = 1; n <= 200; n++) { // every invalidation the NIC makes (its share of the budget is a race)
            drops.append(drops.length() == 0 ? "" : ", ").append("{ kind = drop-tlbi, nth = ").append(n).append(" }");
        }
        Scenario buggy = twoSmmus("cluster-missing-tlbi", 3000, "stray { probability = 1.0, reach = 1 },",
                "kind = random, window = 256K, write-fraction = 0.3", drops.toString());
        Runs r = compare(buggy, h2("buggy"), dir);
        assertFalse(r.single.checker().violationsByRule().isEmpty(), "the bug is caught on one model: "
                + r.single.devices());
        // a stale entry left unused past the history's horizon and then used is ISOLATION instead of a stale use
        // (History: the one thing forgetting changes), and how long it sits unused is the threads' timing
        java.util.function.Function<SimulationReport, java.util.Set<String>> caught = run -> {
            java.util.Set<String> rules = new java.util.TreeSet<>(run.checker().violationsByRule().keySet());
            if (rules.remove("ISOLATION")) {
                rules.add("STALE_USE_AFTER_SYNC");
            }
            return rules;
        };
        assertEquals(java.util.Set.of("STALE_AFTER_SYNC", "STALE_USE_AFTER_SYNC"), caught.apply(r.single),
                "the audit's finding and the late DMAs' on one model");
        assertEquals(caught.apply(r.single), caught.apply(r.cluster), "the same rules caught");
    }

    /**
     * A domain attached on two SMMUs (which the scenario loader refuses, but
     * an embedder may build) and a crash are refused before any node starts.
     */
    @Test
    void aSharedDomainAndACrashAreRefused() {
        Scenario shared = new Scenario("shared", "(code)", "test", 1, new RunLength(100, 0), Costs.defaults(),
                List.of(new SmmuDef(0, TestScenarios.CAPS), new SmmuDef(1, TestScenarios.CAPS)),
                List.of(new DomainDef(DomainId.of(1), 0, DomainSpec.stage1(Granule.G4K, 48, 48, 1))),
                List.of(new StreamDef(0, 16, SteConfig.STAGE1, DomainId.of(1), null, -1),
                        new StreamDef(1, 17, SteConfig.STAGE1, DomainId.of(1), null, -1)),
                TestScenarios.driver(DriverDef.Strategy.STRICT),
                List.of(new DeviceDef("a", 0, 16, 1, new Workload.RandomAccess(1 << 16, 0.3)),
                        new DeviceDef("b", 1, 17, 1, new Workload.RandomAccess(1 << 16, 0.3))), List.of());
        assertTrue(ClusterSimulation.refusal(shared).orElseThrow().contains("allocated on smmu-0 but attached on"
                + " smmu-1"), ClusterSimulation.refusal(shared).toString());
        assertTrue(ClusterSimulation.refusal(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 100,
                List.of(new FaultInjection(FaultInjection.Kind.CRASH, 50)))).orElseThrow().contains("CRASH"));
        assertEquals(java.util.Optional.empty(), ClusterSimulation.refusal(CLEAN));
    }

    record Runs(SimulationReport cluster, SimulationReport single) {}

    static JdbcJournal h2(String name) {
        return new JdbcJournal("jdbc:h2:mem:cluster-simulation-" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /**
     * Runs {@code sc} on three nodes sharing {@code journal} (emptied first),
     * then on one model doing the same operations per device, and compares
     * them.
     */
    static Runs compare(Scenario sc, JdbcJournal journal, Path dir) throws IOException {
        Path conf = dir.resolve("cluster.conf");
        Files.writeString(conf, "iommu-sim.cluster.journal = \"" + journal.url() + "\"\n"
                + "iommu-sim.cluster.jdbc { user = \"" + journal.user() + "\", password = \"" + journal.password()
                + "\" }\n");
        ClusterSimulation on = ClusterSimulation.prepare(conf, 3, sc, true);
        FinalState clusterState = new FinalState(sc);
        SimulationReport cluster;
        Path clusterDir = dir.resolve("cluster-run");
        try (RunFolder folder = RunFolder.claim(clusterDir, false)) {
            cluster = Simulation.run(sc, folder, p -> { }, clusterState, on, null);
        }
        assertEquals(sc.smmus().size(), on.placement().size(), "every SMMU served by a partition");
        // sharding gives each new partition the node with the fewest: one SMMU, and its devices' DMA, per node
        assertEquals(Math.min(3, sc.smmus().size()), new HashSet<>(on.placement().values()).size(),
                "devices served on every node they can be: " + on.placement());
        assertTrue(cluster.mode().contains("cluster of 3 nodes"), cluster.mode());

        Map<String, Long> quotas = new LinkedHashMap<>();
        cluster.devices().forEach(d -> quotas.put(d.name(), d.operations()));
        FinalState singleState = new FinalState(sc);
        SimulationReport single;
        try (RunFolder folder = RunFolder.claim(dir.resolve("single-run"), false)) {
            single = Simulation.run(sc, folder, p -> { }, singleState, Models.LOCAL, quotas);
        }

        assertEquals(quotas, ops(single), "the single-node run did each device's operations");
        assertFalse(singleState.lines.isEmpty());
        assertEquals(singleState.lines, clusterState.lines, "page tables, STE/CD in force, CMD_SYNCs completed");

        StringWriter out = new StringWriter();
        CommandLine cli = IommuSimCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        assertEquals(0, cli.execute("verify", "--journal", clusterDir.toString()), out.toString());
        return new Runs(cluster, single);
    }

    private static Map<String, Long> ops(SimulationReport r) {
        Map<String, Long> m = new LinkedHashMap<>();
        r.devices().forEach(d -> m.put(d.name(), d.operations()));
        return m;
    }

    /** What the models hold when the run is over, by key: read through each SMMU's (and domain's) own model. */
    static final class FinalState implements RunObserver {
        private final Scenario sc;
        final Map<String, String> lines = new TreeMap<>();

        FinalState(Scenario sc) {
            this.sc = sc;
        }

        @Override
        public void finished(Models models, Map<Integer, Smmu> smmus) {
            for (Map.Entry<Integer, Smmu> e : smmus.entrySet()) {
                IommuSim sim = models.of(e.getValue());
                var state = ModelInternals.smmuState(sim, e.getValue());
                lines.put(e.getValue().id() + " syncs", state.syncsCompleted() + " completed, cons "
                        + state.queue().cons());
            }
            for (StreamDef s : sc.streams()) {
                Smmu smmu = smmus.get(s.smmu());
                IommuSim sim = models.of(smmu);
                lines.put(smmu.id() + " sid " + s.sid(), "STE " + sim.steInForce(smmu, s.sid()) + ", CD "
                        + sim.cdInForce(smmu, s.sid(), 0));
            }
            for (DomainDef d : sc.domains()) {
                IommuSim sim = models.of(smmus.get(d.smmu()));
                lines.put("domain " + d.id(), ModelInternals.pageTable(sim, d.id())
                        .map(t -> Long.toHexString(t.digest()) + "/" + t.leafCount() + " leaves").orElse("none"));
            }
        }
    }
}
