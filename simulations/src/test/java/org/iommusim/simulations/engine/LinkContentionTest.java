package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.timing.TranslationTiming;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.simulations.report.TimingReport;
import org.iommusim.simulations.scenario.Costs;
import org.junit.jupiter.api.Test;

/**
 * Devices behind one SMMU missing at the same instant share its TBU-TCU link:
 * beyond its outstanding requests they wait, and the wait shows in the
 * timing figures as the devices' {@code link-wait} rows and the resources'
 * translation-slot waits. Each SMMU has its own link.
 */
class LinkContentionTest {
    private static final int DEVICES = 8;
    private static final int MISSES_EACH = 10;
    private static final TranslationWorker.Traced MISS = new TranslationWorker.Traced(null, Outcome.Path.MISS, 4);

    private static TimingReport burst(Function<Integer, String> smmuOf) {
        Metrics m = new Metrics(Costs.defaults(), 10_000);
        for (int d = 0; d < DEVICES; d++) {
            for (int i = 0; i < MISSES_EACH; i++) {
                m.translation("dev-" + d, smmuOf.apply(d), 0, MISS);
            }
        }
        return m.timing(1_000_000);
    }

    private static Map<String, TimingReport.LevelLatency> linkWaits(TimingReport t) {
        return t.translation().stream().filter(l -> l.level().equals(TimingReport.LINK_WAIT))
                .collect(Collectors.toMap(TimingReport.LevelLatency::device, l -> l));
    }

    @Test
    void missesBeyondTheLinksOutstandingRequestsWaitForIt() {
        int outstanding = TranslationTiming.defaults().translationSlots();
        int total = DEVICES * MISSES_EACH;
        assertTrue(total > outstanding, "the burst must exceed the link");
        TimingReport t = burst(d -> "smmu-0");
        assertEquals(total - outstanding, t.resources().translationSlotWaits());
        assertTrue(t.resources().translationSlotWaitNs() > 0);
        Map<String, TimingReport.LevelLatency> waits = linkWaits(t);
        assertEquals(DEVICES, waits.size(), "one link-wait row per device that missed: " + waits);
        for (int d = 0; d < DEVICES; d++) {
            TimingReport.LevelLatency w = waits.get("dev-" + d);
            assertEquals(MISSES_EACH, w.count());
            // misses are placed device by device: those past the 64th find every link slot taken
            boolean late = (d + 1) * MISSES_EACH > outstanding;
            assertEquals(late, w.maxNs() > 0, "dev-" + d + ": " + w);
        }
        // the walks behind the 16 walk slots wait too, and the link's wait is a part of their latency
        TimingReport.LevelLatency lastWalk = t.translation().stream()
                .filter(l -> l.device().equals("dev-7") && l.level().equals("walk")).findFirst().orElseThrow();
        Costs c = Costs.defaults();
        assertTrue(lastWalk.maxNs() >= waits.get("dev-7").maxNs() + c.hitNs() + c.translation().miss(4),
                lastWalk + " against " + waits.get("dev-7"));
    }

    @Test
    void eachSmmuHasItsOwnLink() {
        TimingReport t = burst(d -> "smmu-" + (d % 2));
        assertEquals(0, t.resources().translationSlotWaits(), "40 misses a link: within its 64");
        linkWaits(t).values().forEach(w -> assertEquals(0, w.maxNs(), w.toString()));
        assertTrue(t.resources().walkSlotWaits() > 0, "the walk slots still bind: 40 walks on 16 slots each");
    }
}
