package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --interleave SEED}: a seeded interleaving of the model's actor turns, reproduced by its seed. */
class SimulateInterleaveTest {

    private static Path quickstart() {
        return ShippedScenarios.file("quickstart.conf");
    }

    private static String digest(CliRunner r) {
        return r.out().lines().filter(l -> l.startsWith("digest")).findFirst().orElseThrow().substring(6).strip();
    }

    private static CliRunner run(Path out, String... extra) {
        String[] base = {"simulate", quickstart().toString(), "--set", "length.operations=300", "--out",
                out.toString(), "--quiet"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRunner.run(args);
    }

    @Test
    void aSeedReproducesItsRunAndIsNamedInTheReport(@TempDir Path dir) throws Exception {
        CliRunner a = run(dir.resolve("a"), "--interleave", "5");
        CliRunner b = run(dir.resolve("b"), "--interleave", "5");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(0, b.exitCode(), b.err());
        assertTrue(a.out().contains("(seed 42, deterministic, interleave 5)"), a.out());
        assertTrue(a.out().contains("no violations"), a.out());
        assertEquals(digest(a), digest(b), "the same interleaving seed, the same journal");
        assertTrue(Files.readString(dir.resolve("a/report.json")).contains("\"mode\": \"deterministic, interleave 5\""));
    }

    @Test
    void anInterleavingSeedIsRefusedWithConcurrent(@TempDir Path dir) {
        CliRunner r = run(dir.resolve("c"), "--interleave", "5", "--concurrent");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--interleave") && r.err().contains("--concurrent"), r.err());
        assertTrue(!Files.exists(dir.resolve("c/report.json")), "nothing ran");
    }
}
