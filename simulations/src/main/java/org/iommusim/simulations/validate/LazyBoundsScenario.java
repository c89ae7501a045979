package org.iommusim.simulations.validate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Costs;
import org.iommusim.simulations.scenario.ScenarioLoader;

/**
 * Linux's lazy flush-queue bounds (reference sections 6 and 9: 256 entries
 * per CPU, a 10 ms timeout), run through the whole model (the actors, a
 * LevelDB journal, the checker) rather than the timing rules alone: a
 * 100 kpps NIC and a 2 kIOPS disk on their own CPUs, lazy, for 30 ms of
 * virtual time, each sending late DMA into buffers it has unmapped. The NIC
 * fills its queue long before the timer; the disk never fills its queue, so
 * the timer flushes it.
 */
final class LazyBoundsScenario {
    /** How far behind the NIC's late DMA reached, and the disk's longest exposure. */
    record Result(long nicUnmapsBehind, long diskExposureNs, long violations) {}

    private LazyBoundsScenario() {}

    static String text(Costs c) {
        return "scenario {\n name = lazy-bounds\n question = q\n seed = 7\n length { virtual-time = 30ms }\n"
                + " costs { iotlb-hit = " + c.hitNs() + "ns, iotlb-miss = " + c.missNs() + "ns, walk-step = "
                + c.walkStepNs() + "ns, command = " + c.commandNs() + "ns, cmd-sync = " + c.syncNs() + "ns, map = "
                + c.mapNs() + "ns, tbu-tcu-link = " + c.linkNs() + "ns }\n"
                + " smmus = [ { id = 0, iotlb-entries = 256, iotlb-policy = lru } ]\n"
                + " domains = [ { id = 1, smmu = 0, stage = stage1, asid = 1 },"
                + " { id = 2, smmu = 0, stage = stage1, asid = 2 } ]\n"
                + " streams = [ { smmu = 0, sid = 16, config = stage1, domain = 1 },"
                + " { smmu = 0, sid = 17, config = stage1, domain = 2 } ]\n"
                + " driver { strategy = lazy, invalidation = range, flush-queue = 256, flush-timeout = 10ms, cpus = 2 }\n"
                + " devices = [\n"
                + "  { name = nic0, stream = 16, interval = 10us,"
                + " workload { kind = nic-ring, ring = 256, packet = 2K, dma-per-packet = 4 } },\n"
                + "  { name = disk0, stream = 17, interval = 500us, stray { probability = 0.5, reach-time = 20ms },"
                + " workload { kind = storage-sg, segments = 4, segment = 4K } }\n ]\n}\n";
    }

    static Result run(Costs costs) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("iommu-sim-validate");
            SimulationReport r = Simulation.run(ScenarioLoader.load(text(costs), "lazy-bounds (validate)"),
                    dir.resolve("run"), false, p -> {});
            return new Result(r.devices().get(0).maxUnmapsBehind(), r.devices().get(1).maxExposureNs(),
                    r.checker().violationCount());
        } catch (IOException e) {
            throw new UncheckedIOException("the lazy-bounds scenario could not run in " + dir, e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
