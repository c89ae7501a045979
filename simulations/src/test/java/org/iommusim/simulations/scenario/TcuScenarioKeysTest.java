package org.iommusim.simulations.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.TcuCaches;
import org.junit.jupiter.api.Test;

/**
 * The {@code smmus[i].tcu} keys: presets, per-level sizes, the IPA cache; and
 * a scenario without them keeps its meaning: no walk caches, every miss reads
 * every level.
 */
class TcuScenarioKeysTest {
    private static String scenario(String smmu) {
        return """
                scenario {
                  name = "e"
                  question = "q"
                  length { operations = 10 }
                  smmus = [ %s ]
                  domains = [ { id = 1, smmu = 0, stage = stage1, asid = 1 } ]
                  streams = [ { smmu = 0, sid = 1, config = stage1, domain = 1 } ]
                  devices = [ { name = d, stream = 1, workload { kind = random, window = 64K } } ]
                }
                """.formatted(smmu);
    }

    private static TcuCaches tcu(String smmu) {
        return ScenarioLoader.load(scenario(smmu), "t.conf").smmus().get(0).caps().tcu();
    }

    @Test
    void withoutTcuKeysAScenarioHasNoWalkCaches() {
        TcuCaches t = tcu("{ id = 0 }");
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                assertFalse(t.walk(stage, level).enabled(), "stage " + stage + " level " + level);
            }
        }
        assertFalse(t.ipaCache().enabled());
    }

    @Test
    void presetsSizesAndTheIpaCache() {
        assertEquals(TcuCaches.defaults(), tcu("{ id = 0, tcu { walk-caches = gem5 } }"));
        assertEquals(TcuCaches.defaults(), tcu("{ id = 0, tcu { } }"), "an empty tcu object: gem5's caches");
        TcuCaches mmu600 = tcu("{ id = 0, tcu { walk-caches = mmu600 } }");
        assertEquals(new CacheShape(256, 4), mmu600.walk(2, 3));
        TcuCaches sized = tcu("{ id = 0, tcu { stage1-walk = [0, 8, 64, 16], walk-ways = 2, ipa-cache = 32, ipa-ways = 8 } }");
        assertEquals(List.of(CacheShape.NONE, new CacheShape(8, 2), new CacheShape(64, 2), new CacheShape(16, 2)),
                sized.stage1Walk());
        assertEquals(new CacheShape(92, 2), sized.walk(2, 2), "stage 2 keeps gem5's sizes with the given ways");
        assertEquals(new CacheShape(32, 8), sized.ipaCache());
    }

    @Test
    void badTcuKeysAreNamed() {
        String m = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.load(scenario("{ id = 0, tcu { walk-caches = huge } }"), "t.conf")).getMessage();
        assertTrue(m.contains("smmus[0].tcu.walk-caches") && m.contains("not none, gem5 or mmu600"), m);
        m = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.load(scenario("{ id = 0, tcu { stage1-walk = [1, 2] } }"), "t.conf")).getMessage();
        assertTrue(m.contains("stage1-walk") && m.contains("one per level 0 to 3"), m);
        m = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.load(scenario("{ id = 0, tcu { stage1-walk = [4, 28, 30, 4] } }"), "t.conf")).getMessage();
        assertTrue(m.contains("stage1-walk") && m.contains("not a multiple of ways"), m);
        m = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.load(scenario("{ id = 0, tcu { walk-sizes = 1 } }"), "t.conf")).getMessage();
        assertTrue(m.contains("smmus[0].tcu.walk-sizes: unknown key"), m);
    }

    @Test
    void theConfigurationCacheIsUnboundedUnlessConfigCacheIsGiven() {
        assertFalse(tcu("{ id = 0 }").configCache().enabled(), "no tcu keys: unbounded");
        assertFalse(tcu("{ id = 0, tcu { } }").configCache().enabled(), "tcu without config-cache: unbounded");
        assertEquals(new CacheShape(64, 4), tcu("{ id = 0, tcu { walk-caches = none, config-cache = 64 } }").configCache(),
                "gem5's 4 ways by default");
        assertFalse(tcu("{ id = 0, tcu { walk-caches = none, config-cache = 64 } }").walk(1, 2).enabled());
        assertEquals(new CacheShape(16, 16), tcu("{ id = 0, tcu { config-cache = 16, config-ways = 16 } }").configCache());
        assertEquals(new CacheShape(1, 1), tcu("{ id = 0, tcu { config-cache = 1 } }").configCache(),
                "one entry: one way");
        String m = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.load(scenario("{ id = 0, tcu { config-cache = 6, config-ways = 4 } }"), "t.conf"))
                .getMessage();
        assertTrue(m.contains("config-cache") && m.contains("not a multiple of ways"), m);
        m = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.load(scenario("{ id = 0, tcu { config-cache = -1 } }"), "t.conf")).getMessage();
        assertTrue(m.contains("smmus[0].tcu.config-cache"), m);
    }
}
