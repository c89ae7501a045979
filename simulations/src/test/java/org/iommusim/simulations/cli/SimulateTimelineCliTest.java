package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.iommusim.simulations.report.MiniJsonAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --timeline FILE}: written beside the report; refused with --concurrent, in one line. */
class SimulateTimelineCliTest {

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    @Test
    void theTimelineIsWrittenAndNamedInTheSummary(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("timeline.json");
        CliRunner r = CliRunner.run("simulate", scenario("quickstart.conf").toString(), "--set",
                "length.operations=500", "--out", tmp.resolve("run").toString(), "--timeline", file.toString(),
                "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("timeline    " + file), r.out());
        List<?> events = (List<?>) MiniJsonAccess.at(MiniJsonAccess.parse(Files.readString(file)), "traceEvents");
        assertTrue(events.size() > 500, "a DMA span at least per operation: " + events.size());
    }

    @Test
    void aConcurrentRunIsRefused(@TempDir Path tmp) {
        Path file = tmp.resolve("timeline.json");
        CliRunner r = CliRunner.run("simulate", scenario("quickstart.conf").toString(), "--concurrent", "--out",
                tmp.resolve("run").toString(), "--timeline", file.toString(), "--quiet");
        assertEquals(2, r.exitCode(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--timeline"), r.err());
        assertFalse(Files.exists(file));
    }
}
