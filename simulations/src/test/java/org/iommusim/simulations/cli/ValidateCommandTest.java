package org.iommusim.simulations.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidateCommandTest {

    private static List<String> rows(String out) {
        return out.lines().filter(l -> l.endsWith(" pass") || l.endsWith(" FAIL")).toList();
    }

    @Test
    void everyRowPassesWithTheShippedCosts() {
        CliRunner r = CliRunner.run("validate");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        List<String> rows = rows(r.out());
        assertTrue(rows.size() >= 15, r.out());
        assertTrue(rows.stream().allMatch(l -> l.endsWith(" pass")), r.out());
        assertTrue(r.out().contains("pcie-bench, Neugebauer et al., SIGCOMM 2018"), r.out());
        assertTrue(r.out().contains("Garry"), r.out());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("lazy: disk's longest exposure")), r.out());
        assertTrue(r.out().contains(rows.size() + " of " + rows.size() + " rows pass with the shipped costs"),
                r.out());
    }

    @Test
    void aMisSetMemoryLatencyFailsTheMissLatencyRow() {
        CliRunner r = CliRunner.run("validate", "--no-simulation", "--cost", "walk-step=200");
        assertEquals(1, r.exitCode(), r.out());
        String row = rows(r.out()).stream().filter(l -> l.startsWith("IOTLB reach: read latency at 16 MB"))
                .findFirst().orElseThrow();
        assertTrue(row.endsWith("FAIL"), row);
        // the latency within reach does not depend on walks: it still passes
        assertTrue(rows(r.out()).stream().filter(l -> l.startsWith("IOTLB reach: read latency within reach"))
                .allMatch(l -> l.endsWith("pass")), r.out());
    }

    /** The miss latency row depends on the TBU-TCU link (a miss crosses it twice); the hit latency row does not. */
    @Test
    void aMisSetTbuTcuLinkFailsTheMissLatencyRowOnly() {
        CliRunner r = CliRunner.run("validate", "--no-simulation", "--cost", "tbu-tcu-link=100");
        assertEquals(1, r.exitCode(), r.out());
        List<String> rows = rows(r.out());
        String miss = rows.stream().filter(l -> l.startsWith("IOTLB reach: read latency at 16 MB")).findFirst()
                .orElseThrow();
        assertTrue(miss.endsWith("FAIL"), miss);
        // each miss crosses twice, 92 ns slower each way: at 16 MB nearly every read misses
        double model = Double.parseDouble(miss.split(" {2,}")[2].replace(" ns", "").replace(",", ""));
        assertTrue(model > 880 * 1.05 && model <= 880 + 2 * 92, miss);
        assertTrue(rows.stream().filter(l -> l.startsWith("IOTLB reach: read latency within reach"))
                .allMatch(l -> l.endsWith("pass")), r.out());
        assertTrue(rows.stream().filter(l -> l.startsWith("map+unmap") || l.startsWith("unmap"))
                .allMatch(l -> l.endsWith("pass")), "no command-queue row depends on the link: " + r.out());
        CliRunner shipped = CliRunner.run("validate", "--no-simulation", "--cost", "tbu-tcu-link=8");
        assertEquals(0, shipped.exitCode(), "8 ns a crossing is the shipped cost: " + shipped.out());
    }

    @Test
    void aSlowSmmuFailsTheMapUnmapRows() {
        CliRunner r = CliRunner.run("validate", "--no-simulation", "--cost", "command=2000");
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(rows(r.out()).stream().filter(l -> l.startsWith("map+unmap per CPU per second, 16 CPUs"))
                .allMatch(l -> l.endsWith("FAIL")), r.out());
    }

    @Test
    void anUnknownCostIsRefusedInOneLine() {
        CliRunner r = CliRunner.run("validate", "--cost", "walk=1");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no cost named 'walk'"), r.err());
        CliRunner neg = CliRunner.run("validate", "--cost", "map=-5");
        assertEquals(2, neg.exitCode());
        assertTrue(neg.err().contains("cannot be negative"), neg.err());
    }
}
