package org.iommusim.simulations.report;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.iommusim.simulations.engine.RunFolder;
import org.iommusim.simulations.engine.RunMode;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --timeline}: the file is Chrome trace event JSON (the object form),
 * every event carries the format's required fields for its phase, events
 * are in virtual-time order, each kind of track has its events, violations
 * are instants, and writing it leaves the run's journal as it was.
 */
class TimelineTest {
    private static final Set<String> PHASES = Set.of("X", "i", "M");

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    @Test
    void theTimelineIsValidTraceEventJsonInTimeOrderWithEveryTrack(@TempDir Path dir) throws Exception {
        Scenario sc = ScenarioLoader.load(scenario("missing-tlbi.conf"), List.of("length.operations=3000"));
        Path file = dir.resolve("trace/timeline.json");
        SimulationReport traced;
        try (RunFolder f = RunFolder.claim(dir.resolve("a"), false)) {
            traced = Simulation.run(sc, f, RunMode.DETERMINISTIC, p -> {}, file);
        }
        SimulationReport plain = Simulation.run(sc, dir.resolve("b"), false, p -> {});
        assertEquals(plain.eventDigest(), traced.eventDigest(), "a timeline only watches: same journal");

        Map<?, ?> root = (Map<?, ?>) MiniJson.parse(Files.readString(file));
        assertEquals("ns", root.get("displayTimeUnit"));
        assertEquals("missing-tlbi", MiniJson.at(root, "otherData.scenario"));
        List<?> events = (List<?>) root.get("traceEvents");
        Map<String, Integer> byTrack = new HashMap<>();
        Map<Integer, String> processes = new HashMap<>();
        Set<String> threads = new HashSet<>();
        BigDecimal last = BigDecimal.ZERO;
        boolean timed = false;
        for (Object o : events) {
            Map<?, ?> e = (Map<?, ?>) o;
            String ph = (String) e.get("ph");
            assertTrue(PHASES.contains(ph), "phase " + ph + " in " + e);
            assertInstanceOf(String.class, e.get("name"), e.toString());
            BigDecimal ts = (BigDecimal) e.get("ts");
            int pid = ((BigDecimal) e.get("pid")).intValueExact();
            int tid = ((BigDecimal) e.get("tid")).intValueExact();
            assertTrue(ts.signum() >= 0, e.toString());
            switch (ph) {
                case "M" -> {
                    assertFalse(timed, "track names come before the events: " + e);
                    String name = (String) MiniJson.at(e, "args.name");
                    if (e.get("name").equals("process_name")) {
                        processes.put(pid, name);
                    } else {
                        assertEquals("thread_name", e.get("name"));
                        threads.add(pid + "/" + tid + " " + name);
                    }
                }
                case "X" -> {
                    assertTrue(((BigDecimal) e.get("dur")).signum() >= 0, e.toString());
                    assertInstanceOf(String.class, e.get("cat"), e.toString());
                }
                default -> assertTrue(Set.of("g", "p", "t").contains(e.get("s")), e.toString());
            }
            if (!ph.equals("M")) {
                timed = true;
                assertTrue(last.compareTo(ts) <= 0, "event before the one ahead of it: " + e + " after ts " + last);
                last = ts;
                assertTrue(processes.containsKey(pid), "an event on an unnamed process: " + e);
                String first = ((String) e.get("name")).split(" ")[0];
                byTrack.merge(processes.get(pid) + ": " + first, 1, Integer::sum);
            }
        }
        assertEquals(Set.of("CPUs (the driver)", "devices", "SMMUs (command queue)", "caches (IOTLB)", "checker"),
                new HashSet<>(processes.values()));
        assertTrue(threads.contains("2/1 nic0") && threads.contains("2/2 dma1"), threads.toString());
        assertTrue(threads.contains("1/1 cpu 0") && threads.contains("3/1 smmu-0") && threads.contains("4/1 smmu-0 IOTLB"),
                threads.toString());
        for (String kind : List.of("CPUs (the driver): map", "CPUs (the driver): unmap", "CPUs (the driver): submit",
                "CPUs (the driver): sync", "devices: DMA", "SMMUs (command queue): consume",
                "SMMUs (command queue): CMD_SYNC", "caches (IOTLB): fill", "caches (IOTLB): evict",
                "caches (IOTLB): invalidate",
                "checker: STALE_AFTER_SYNC")) {
            assertTrue(byTrack.getOrDefault(kind, 0) > 0, "no " + kind + " in " + byTrack);
        }
        int instants = byTrack.entrySet().stream().filter(e -> e.getKey().startsWith("checker: "))
                .mapToInt(Map.Entry::getValue).sum();
        assertEquals(traced.checker().violationCount(), instants,
                "one instant per violation");
        long dmas = byTrack.get("devices: DMA");
        assertEquals(traced.checker().translationsChecked() + traced.devices().stream()
                .mapToLong(SimulationReport.Device::faults).sum(), dmas, "one span per DMA");
    }

    @Test
    void aConcurrentRunHasNoVirtualTimeToDraw(@TempDir Path dir) throws Exception {
        Scenario sc = ScenarioLoader.load(scenario("missing-tlbi.conf"), List.of("length.operations=100"));
        try (RunFolder f = RunFolder.claim(dir.resolve("a"), false)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Simulation.run(sc, f, RunMode.CONCURRENT, p -> {}, dir.resolve("t.json")));
            assertTrue(e.getMessage().contains("--concurrent"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("t.json")));
    }

    @Test
    void microsecondsKeepEveryNanosecond() {
        assertEquals("0", TraceEventFile.micros(0));
        assertEquals("1.234", TraceEventFile.micros(1_234));
        assertEquals("2", TraceEventFile.micros(2_000));
        assertEquals("1000000.05", TraceEventFile.micros(1_000_000_050L));
    }
}
