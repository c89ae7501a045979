package org.iommusim.simulations.report;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Property: every time series in a real run's {@code report.json} is
 * non-decreasing in time, across the shipped scenarios (several devices
 * overlapping in virtual time) and seeds; the queue's occupancy is a step
 * series that changes at submissions and consumptions and never goes below 0.
 */
class SeriesOrderTest {

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    @ParameterizedTest
    @CsvSource({"invalidation-granularity.conf, 1", "invalidation-granularity.conf, 2", "strict-vs-lazy.conf, 3",
            "missing-tlbi.conf, 4", "nested-guest.conf, 5", "iotlb-reach.conf, 6"})
    void everyTimeSeriesIsNonDecreasingInTime(String file, long seed, @TempDir Path dir) throws Exception {
        var sc = ScenarioLoader.load(scenario(file), List.of("length.operations=4000", "length.virtual-time=4ms"))
                .withSeed(seed);
        SimulationReport r = Simulation.run(sc, dir.resolve("run"), false, p -> {});
        Object root = MiniJson.parse(Files.readString(ReportWriter.write(r, dir.resolve("run")).json()));
        List<String> checked = new ArrayList<>();
        nonDecreasing(MiniJson.at(root, "hitRateOverTime"), "hitRateOverTime", checked);
        nonDecreasing(MiniJson.at(root, "queueOccupancy"), "queueOccupancy", checked);
        for (Object d : (List<?>) MiniJson.at(root, "deviceSeries")) {
            Map<?, ?> m = (Map<?, ?>) d;
            nonDecreasing(m.get("hitRateOverTime"), m.get("name") + ".hitRateOverTime", checked);
            nonDecreasing(m.get("exposureOverTime"), m.get("name") + ".exposureOverTime", checked);
        }
        assertFalse(((List<?>) MiniJson.at(root, "queueOccupancy")).isEmpty(), "a run submits commands");
        assertTrue(((List<?>) MiniJson.at(root, "deviceSeries")).size() == r.devices().size(), "one per device");
        for (Object p : (List<?>) MiniJson.at(root, "queueOccupancy")) {
            assertTrue(((BigDecimal) ((Map<?, ?>) p).get("value")).signum() >= 0, "occupancy below 0: " + p);
        }
        assertTrue(checked.size() >= 2 + 2 * r.devices().size(), checked.toString());
    }

    private static void nonDecreasing(Object series, String name, List<String> checked) {
        List<?> points = (List<?>) series;
        for (int i = 1; i < points.size(); i++) {
            BigDecimal a = (BigDecimal) ((Map<?, ?>) points.get(i - 1)).get("timeNs");
            BigDecimal b = (BigDecimal) ((Map<?, ?>) points.get(i)).get("timeNs");
            assertTrue(a.compareTo(b) <= 0, name + " goes back in time at point " + i + ": " + a + " then " + b);
        }
        checked.add(name + " (" + points.size() + ")");
    }
}
