package org.iommusim.simulations.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Overrides run one scenario in variants; they are checked like the file and named in messages. */
class ScenarioOverridesTest {
    private static final String TEXT = ScenarioFixtures.text(ScenarioFixtures.fixture("minimal.conf"));

    private static Scenario load(String... overrides) {
        return ScenarioLoader.load(TEXT, "m.conf", List.of(overrides));
    }

    private static String fails(String... overrides) {
        return assertThrows(ScenarioException.class, () -> load(overrides)).getMessage();
    }

    @Test
    void anOverrideReplacesOneKeyAndKeepsItsSiblings() {
        Scenario s = load("driver.strategy = lazy", "driver { flush-queue = 64 }", "seed = 9");
        assertEquals(DriverDef.Strategy.LAZY, s.driver().strategy());
        assertEquals(64, s.driver().flushQueue());
        assertEquals(DriverDef.strict().flushTimeoutNs(), s.driver().flushTimeoutNs());
        assertEquals(9, s.seed());
    }

    @Test
    void aBadOverrideIsNamedInsteadOfALine() {
        assertEquals("m.conf (override 'driver.strategy = eager'): driver.strategy: 'eager' is not one of strict, batched, lazy",
                fails("driver.strategy = eager"));
        assertEquals("m.conf (override 'driver.stratgy = lazy'): driver.stratgy: unknown key (expected one of "
                + "strategy, invalidation, range-threshold, batch, flush-queue, flush-timeout, cpus, stage2-invalidation)",
                fails("driver.stratgy = lazy"));
    }

    @Test
    void anUnparsableOverrideIsNamed() {
        String message = fails("driver.strategy = [");
        assertEquals("m.conf (override 'driver.strategy = ['): ", message.substring(0, message.indexOf(": ") + 2));
    }
}
