package org.iommusim.simulations.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench command's shape at a tiny scale: every headline key, each with a
 * positive mean and, for the ratios, a floor and a ratio. The figures
 * themselves belong to full runs (docs/PERFORMANCE.md), never to a test.
 */
class BenchCommandTest {

    @Test
    void writesEveryHeadlineFigureWithItsFloor(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/bench.json");
        CliRunner r = CliRunner.run("bench", "--scale", "0.005", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        String text = Files.readString(json);
        for (String key : new String[] {"translateBurstRatio", "durableCommandRatio", "replayRatio"}) {
            Matcher m = Pattern.compile("\"" + key + "\": \\{[^}]*\"mean\": ([0-9.]+)[^}]*\"floor\": ([0-9.]+), "
                    + "\"ratio\": ([0-9.]+), \"goal\": 0.50").matcher(text);
            assertTrue(m.find(), key + " with mean, floor, ratio and goal in\n" + text);
            assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, key);
        }
        for (String key : new String[] {"singleTranslationsPerSecond", "mapUnmapPerSecondBatch1",
                "mapUnmapPerSecondBatch512", "simulatedOperationsPerSecond", "bytesPerMapped4kPage"}) {
            Matcher m = Pattern.compile("\"" + key + "\": \\{[^}]*\"mean\": ([0-9.]+)").matcher(text);
            assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, key + " in\n" + text);
        }
        for (String[] key : new String[][] {{"simulationJournalRatio", "0.25"}, {"stepTranslateRatio", "0.05"}}) {
            Matcher m = Pattern.compile("\"" + key[0] + "\": \\{[^}]*\"mean\": ([0-9.]+)[^}]*\"floor\": ([0-9.]+), "
                    + "\"ratio\": ([0-9.]+), \"goal\": " + key[1]).matcher(text);
            assertTrue(m.find(), key[0] + " with mean, floor, ratio and goal in\n" + text);
            assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, key[0]);
        }
        for (String[] key : new String[][] {{"simulatedOperationsPerSecond", "150000.00"},
                {"concurrentCheckedTranslationsPerSecond", "1000000.00"}}) {
            Matcher m = Pattern.compile("\"" + key[0] + "\": \\{[^}]*\"mean\": ([0-9.]+)[^}]*\"goal\": " + key[1]
                    + ", \"met\": (true|false)").matcher(text);
            assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0, key[0] + " with its goal in\n" + text);
        }
        assertTrue(r.out().contains("translateBurstRatio"), r.out());
        assertTrue(r.out().contains("concurrentCheckedTranslationsPerSecond"), r.out());
    }
}
