package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.ScenarioException;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scenario's expect claims are judged on its run: a false claim makes the answer not borne out. */
class ExpectationJudgedTest {

    private static String scenario(String claims) {
        return "scenario {\n name = t\n question = q\n length { operations = 2000 }\n"
                + " smmus = [ { id = 0 } ]\n domains = [ { id = 1, smmu = 0, stage = stage1, asid = 1 } ]\n"
                + " streams = [ { smmu = 0, sid = 1, config = stage1, domain = 1 } ]\n"
                + " devices = [ { name = nic0, stream = 1, workload { kind = nic-ring, ring = 8, packet = 2K } } ]\n"
                + " expect { answer = \"strict: nothing stale\", claims = [ " + claims + " ] }\n}\n";
    }

    @Test
    void trueClaimsAreBorneOutAndAFalseOneIsNot(@TempDir Path dir) throws Exception {
        SimulationReport ok = Simulation.run(ScenarioLoader.load(scenario(
                "{ what = violations, is = none }, { what = stale-uses, device = nic0, is = none },"
                        + " { what = tlbis-per-unmap, device = nic0, at-most = 1 }"), "t.conf"),
                dir.resolve("ok"), false, p -> {});
        assertTrue(ok.answer().borneOut(), ok.answer().toString());
        assertEquals("strict: nothing stale", ok.answer().expected());
        SimulationReport no = Simulation.run(ScenarioLoader.load(scenario(
                "{ what = violations, is = none }, { what = stale-uses, device = nic0, is = some }"), "t.conf"),
                dir.resolve("no"), false, p -> {});
        assertFalse(no.answer().borneOut(), no.answer().toString());
        assertTrue(no.answer().claims().get(0).holds());
        assertFalse(no.answer().claims().get(1).holds());
        assertEquals("0", no.answer().claims().get(1).observed());
    }

    @Test
    void aClaimAboutAnUnknownDeviceIsRefused() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(
                scenario("{ what = refills, device = nope, is = none }"), "t.conf"));
        assertTrue(e.getMessage().contains("'nope' is not a device of this scenario"), e.getMessage());
    }
}
