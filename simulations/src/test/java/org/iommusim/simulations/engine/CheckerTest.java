package org.iommusim.simulations.engine;

import static org.iommusim.simulations.engine.Mappings.map;
import static org.iommusim.simulations.engine.Mappings.release;
import static org.iommusim.simulations.engine.Mappings.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.iommusim.persistence.pagetable.StagePermissions;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.simulations.report.SimulationReport;
import org.junit.jupiter.api.Test;

/** The checker's verdicts in bounded memory: exact counts, a few examples per rule, stale windows in a histogram. */
class CheckerTest {
    private static final DomainId D = DomainId.of(1);
    private static final Perms RW = StagePermissions.of(DomainStage.STAGE1, Prot.rw());

    private static Checker.Resolution stage1(History h) {
        return new Checker.Resolution() {
            @Override
            public List<MapRecord> candidates(long iova) {
                return h.covering(D, iova);
            }

            @Override
            public DomainStage stage() {
                return DomainStage.STAGE1;
            }

            @Override
            public MapRecord stage1(long iova) {
                return null;
            }
        };
    }

    private static boolean use(Checker c, History h, long t, long iova, long pa) {
        return c.translation("dev", 16, t, iova, Access.WRITE, false, new Translated(pa, RW), stage1(h));
    }

    /** As the simulation resolves a stage-1 stream: the newest record found first, without the list. */
    private static Checker.Resolution stage1NewestFirst(History h) {
        Checker.Resolution all = stage1(h);
        return new Checker.Resolution() {
            @Override
            public List<MapRecord> candidates(long iova) {
                return all.candidates(iova);
            }

            @Override
            public MapRecord newestCandidate(long iova) {
                return h.newestCovering(D, iova);
            }

            @Override
            public DomainStage stage() {
                return all.stage();
            }

            @Override
            public MapRecord stage1(long iova) {
                return null;
            }
        };
    }

    @Test
    void anOutputOfAnOlderMappingOfAReusedIovaIsAStaleUseNotAnIsolationBreach() {
        for (boolean newestFirst : new boolean[] {false, true}) {
            History h = new History(Long.MAX_VALUE);
            Checker c = new Checker("/tmp/j", 3);
            MapRecord old = map(h, D, 0x1000, 4096, 0x9000, 0);
            unmap(old, 10);
            release(old, 20);
            map(h, D, 0x1000, 4096, 0xa000, 30); // the IOVA reused for another page
            Checker.Resolution res = newestFirst ? stage1NewestFirst(h) : stage1(h);
            assertTrue(c.translation("dev", 16, 40, 0x1010, Access.WRITE, false, new Translated(0x9010, RW), res),
                    "a stale use");
            assertFalse(c.translation("dev", 16, 41, 0x1010, Access.WRITE, false, new Translated(0xa010, RW), res),
                    "the live mapping");
            c.translation("dev", 16, 42, 0x1010, Access.WRITE, false, new Translated(0xb010, RW), res);
            assertEquals(Map.of("STALE_USE_AFTER_SYNC", 1L, "ISOLATION", 1L), c.result().violationsByRule(),
                    "newest first: " + newestFirst);
        }
    }

    @Test
    void everyViolationIsCountedButOnlyTheFirstOfEachRuleAreKept() {
        History h = new History(Long.MAX_VALUE);
        Checker c = new Checker("/tmp/j", 3);
        MapRecord r = map(h, D, 0x1000, 4096, 0x9000, 0);
        unmap(r, 10);
        release(r, 20);
        for (int i = 0; i < 10; i++) {
            use(c, h, 100 + i, 0x1000, 0x7000); // a PA no mapping gave
        }
        for (int i = 0; i < 5; i++) {
            use(c, h, 200 + i, 0x1000, 0x9000); // the released mapping
        }
        SimulationReport.Checker result = c.result();
        assertEquals(15, result.translationsChecked());
        assertEquals(15, result.violationCount());
        assertEquals(Map.of("ISOLATION", 10L, "STALE_USE_AFTER_SYNC", 5L), result.violationsByRule());
        assertEquals(6, result.examplesKept());
        assertEquals(List.of("ISOLATION", "ISOLATION", "ISOLATION", "STALE_USE_AFTER_SYNC", "STALE_USE_AFTER_SYNC",
                "STALE_USE_AFTER_SYNC"), result.violations().stream().map(SimulationReport.Violation::rule).toList());
        assertTrue(result.violations().get(3).explanation().contains("at t=200ns"), "the first one, in full");
        assertEquals(List.of("domain-1 #1 map", "domain-1 #2 unmap"), result.violations().get(3).events());
    }

    @Test
    void violationsAreGroupedByRuleAndMappingCountingEveryOneWithAFewGroupsPerRule() {
        History h = new History(Long.MAX_VALUE);
        Checker c = new Checker("/tmp/j", 2);
        List<MapRecord> released = new java.util.ArrayList<>();
        for (int m = 0; m < 4; m++) {
            MapRecord r = map(h, D, 0x1000 + m * 0x1000L, 4096, 0x9000 + m * 0x1000L, 0);
            unmap(r, 10);
            release(r, 20);
            released.add(r);
        }
        for (int i = 0; i < 7; i++) {
            use(c, h, 100 + i, 0x1000, 0x9000); // 7 stale uses of the first mapping
        }
        for (int i = 0; i < 3; i++) {
            use(c, h, 200 + i, 0x2000, 0xa000); // 3 of the second
        }
        use(c, h, 300, 0x3000, 0xb000); // a third mapping: beyond the 2 groups kept per rule
        use(c, h, 400, 0x1000, 0x7000); // isolation: no mapping named
        SimulationReport.Checker result = c.result();
        assertEquals(12, result.violationCount());
        // Mappings gives every record the same journal numbers; the groups are by record, so 0x2000 is its own
        assertEquals(List.of("STALE_USE_AFTER_SYNC 7 domain-1 #1 map domain-1 #2 unmap",
                "STALE_USE_AFTER_SYNC 3 domain-1 #1 map domain-1 #2 unmap", "ISOLATION 1 null null"),
                result.groups().stream().map(g -> g.rule() + " " + g.count() + " " + g.mapping() + " " + g.unmap())
                        .toList());
        assertTrue(result.groups().get(0).explanation().contains("at t=100ns"), "the group's first, in full");
        assertEquals("./iommu-sim trace --journal /tmp/j --iova 0x2000 --sid 16", result.groups().get(1).traceCommand());
        assertEquals(11L, result.violationsByRule().get("STALE_USE_AFTER_SYNC"), "every one counted in its rule");
    }

    @Test
    void aCacheEntryKeptInUseAfterItsSyncIsAStaleUseAfterSyncForAsLongAsItLasts() {
        History h = new History(1_000);
        Checker c = new Checker("/tmp/j", 100);
        MapRecord old = map(h, D, 0x1000, 4096, 0x9000, 0);
        unmap(old, 10);
        release(old, 20);
        MapRecord other = null;
        int uses = 0;
        // the device keeps hitting the stale entry every 500 ns over 100 horizons, while the driver churns elsewhere
        for (long t = 500; t < 100_000; t += 500) {
            if (other != null) {
                unmap(other, t);
                release(other, t);
            }
            other = map(h, D, 0x10_0000L, 4096, t << 12, t);
            use(c, h, t, 0x1000, 0x9000);
            uses++;
        }
        assertEquals(Map.of("STALE_USE_AFTER_SYNC", (long) uses), c.result().violationsByRule());
        assertFalse(old.forgotten);
        assertTrue(h.forgotten() > 100, "the churn around it was forgotten");
    }

    @Test
    void anEntryUnusedForLongerThanTheHorizonIsStillAViolationButNamedIsolation() {
        History h = new History(1_000);
        Checker c = new Checker("/tmp/j", 100);
        MapRecord old = map(h, D, 0x1000, 4096, 0x9000, 0);
        unmap(old, 10);
        release(old, 20);
        for (int i = 0; i < 100; i++) {
            map(h, D, 0x10_0000L + i * 4096L, 4096, 0, 5_000 + i);
        }
        assertTrue(old.forgotten);
        use(c, h, 6_000, 0x1000, 0x9000);
        assertEquals(Map.of("ISOLATION", 1L), c.result().violationsByRule(), "the documented cost of the horizon");
    }

    @Test
    void staleWindowsCloseIntoTheHistogramOnceTheirMappingIsForgotten() {
        History h = new History(1_000);
        Checker c = new Checker("/tmp/j", 100);
        int mappings = 2_000;
        for (int i = 0; i < mappings; i++) {
            long t = i * 10_000L;
            MapRecord r = map(h, D, 0x1000 + (i % 8) * 4096L, 4096, 0x10_0000L + i * 4096L, t);
            unmap(r, t + 100);
            assertTrue(use(c, h, t + 100 + i % 50, r.iova, r.pa), "permitted: its flush has not completed");
            release(r, t + 1_000);
            assertTrue(c.openStaleWindows() < 50, "open windows: " + c.openStaleWindows());
        }
        Histogram windows = c.staleWindows();
        assertEquals(mappings, windows.getTotalCount());
        assertEquals(49, windows.getMaxValue());
        assertEquals(0, windows.getMinValue());
        SimulationReport.StaleWindow summary = Metrics.staleWindows(windows);
        assertEquals(mappings, summary.count());
        assertEquals(mappings, summary.distribution().stream().mapToLong(SimulationReport.Bucket::count).sum());
        assertEquals(0, c.result().violationCount());
    }

    @Test
    void theLimitsComeFromTheConfigurationWithDefaults() {
        assertEquals(CheckerSettings.defaults(), CheckerSettings.of(ConfigFactory.empty()));
        assertEquals(new CheckerSettings(1_000_000_000L, 5), CheckerSettings.of(ConfigFactory.parseString(
                "iommu-sim.checker { history-horizon = 1s, examples-per-rule = 5 }")));
        assertEquals(100_000_000L, CheckerSettings.defaults().historyHorizonNs());
        assertThrows(IllegalArgumentException.class, () -> CheckerSettings.of(ConfigFactory.parseString(
                "iommu-sim.checker.examples-per-rule = -1")));
    }
}
