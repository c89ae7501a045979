package org.iommusim.simulations.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario under {@code conf/scenarios} loads, and the ones the docs promise are there. */
class ScenarioShippedTest {
    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.list(ScenarioFixtures.repoRoot().resolve("conf/scenarios"))) {
            return files.filter(p -> p.toString().endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void loads(Path file) {
        Scenario s = ScenarioLoader.load(file);
        assertEquals(file.getFileName().toString(), s.name() + ".conf", "a scenario is named after its file");
        assertTrue(s.question().contains("Expected"), "the question states the expected answer");
        assertTrue(ScenarioFixtures.text(file).startsWith("# " + s.name() + ":"), "a header comment comes first");
    }

    @Test
    void theDocumentedScenariosAreShipped() throws IOException {
        List<String> names = shipped().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("quickstart.conf", "strict-vs-lazy.conf", "invalidation-granularity.conf",
                "iotlb-reach.conf", "nested-guest.conf", "missing-tlbi.conf")), names.toString());
    }

    /** Issue I: the quickstart runs at a realistic length, a million operations (deterministic mode makes it quick). */
    @Test
    void quickstartRunsAMillionOperations() {
        Scenario s = ScenarioLoader.load(ScenarioFixtures.repoRoot().resolve("conf/scenarios/quickstart.conf"));
        assertTrue(s.length().operations() >= 1_000_000, "operations: " + s.length().operations());
        assertEquals(DriverDef.Strategy.STRICT, s.driver().strategy());
        assertEquals(256, s.smmus().get(0).caps().iotlbEntries());
    }

    /** The strict side of strict-vs-lazy is the same file with one override. */
    @Test
    void strictVsLazyHasAStrictCounterpart() {
        Path file = ScenarioFixtures.repoRoot().resolve("conf/scenarios/strict-vs-lazy.conf");
        Scenario lazy = ScenarioLoader.load(file);
        Scenario strict = ScenarioLoader.load(file, List.of("driver.strategy = strict"));
        assertEquals(DriverDef.Strategy.LAZY, lazy.driver().strategy());
        assertEquals(256, lazy.driver().flushQueue());
        assertEquals(10_000_000, lazy.driver().flushTimeoutNs());
        assertEquals(DriverDef.Strategy.STRICT, strict.driver().strategy());
        assertEquals(lazy.driver().flushQueue(), strict.driver().flushQueue(), "the other driver keys stay");
        assertEquals(lazy.devices(), strict.devices());
        assertTrue(lazy.length().virtualNanos() >= 100_000_000L, "at least ten 10 ms flush periods");
    }

    @Test
    void faultScenariosInjectWhatTheyClaim() {
        Path root = ScenarioFixtures.repoRoot().resolve("conf/scenarios");
        Scenario missing = ScenarioLoader.load(root.resolve("missing-tlbi.conf"));
        assertEquals(List.of(new FaultInjection(FaultInjection.Kind.DROP_TLBI, 20)), missing.faults());
        Scenario nested = ScenarioLoader.load(root.resolve("nested-guest.conf"));
        assertEquals(DriverDef.Stage2Invalidation.S2_IPA_ONLY, nested.driver().stage2Invalidation());
        assertFalse(nested.streams().isEmpty());
        assertTrue(nested.devices().get(0).workload() instanceof Workload.NestedGuest);
    }
}
