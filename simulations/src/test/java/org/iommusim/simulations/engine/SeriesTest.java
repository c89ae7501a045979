package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.simulations.report.SimulationReport.Point;
import org.junit.jupiter.api.Test;

/** Time series of bounded length: exact while short, merged pairwise when long. */
class SeriesTest {

    @Test
    void aShortSeriesKeepsEverySampleAsItCame() {
        Series s = new Series(Series.Kind.RATIO, 8);
        s.add(10, 3, 4);
        s.add(20, 1, 3);
        assertEquals(List.of(new Point(10, 0.75), new Point(20, 1.0 / 3)), s.points());
    }

    @Test
    void aLongRatioSeriesMergesNeighboursIntoTheRatioOfTheirSums() {
        Series s = new Series(Series.Kind.RATIO, 4);
        for (int i = 0; i < 5; i++) {
            s.add(i * 10, i, 10); // hit rates 0, .1, .2, .3, .4 over 10 lookups each
        }
        assertEquals(List.of(new Point(0, 0.05), new Point(20, 0.25), new Point(40, 0.4)), s.points(),
                "two merged pairs, then the fifth sample starts a point of its own");
        s.add(50, 5, 10);
        assertEquals(new Point(40, 0.45), s.points().get(2));
    }

    @Test
    void aMaxSeriesKeepsEachSpansPeak() {
        Series s = new Series(Series.Kind.MAX, 2);
        long[] values = {1, 7, 3, 2, 9, 4, 4, 4};
        for (int i = 0; i < values.length; i++) {
            s.add(i, values[i]);
        }
        assertEquals(List.of(new Point(0, 7), new Point(4, 9)), s.points());
    }

    @Test
    void aMillionSamplesMakeAtMostTheLimitWithTheSameWeightEach() {
        Series s = new Series(Series.Kind.RATIO);
        for (int i = 0; i < 1_000_000; i++) {
            s.add(i, i % 2, 1);
        }
        assertTrue(s.size() > Series.MAX_POINTS / 2 && s.size() <= Series.MAX_POINTS, "points: " + s.size());
        for (Point p : s.points()) {
            assertEquals(0.5, p.value(), 1e-12, "each point spans an even number of samples");
        }
        assertEquals(0, s.points().get(0).timeNs());
        assertThrows(IllegalArgumentException.class, () -> new Series(Series.Kind.MAX, 3));
    }
}
