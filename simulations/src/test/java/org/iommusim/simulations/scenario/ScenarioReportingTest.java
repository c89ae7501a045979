package org.iommusim.simulations.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;

/** How problems are reported: all at once in file order, no cascades, nothing read from outside the file. */
class ScenarioReportingTest {
    private static final String VALID = """
            scenario {
              name = "e"
              question = "q"
              length { operations = 10 }
              smmus = [ { id = 0 } ]
              domains = [ { id = 1, smmu = 0, stage = stage1, asid = 1 } ]
              streams = [ { smmu = 0, sid = 1, config = stage1, domain = 1 } ]
              devices = [ { name = d, stream = 1, workload { kind = random, window = 64K } } ]
            }
            """;

    private static String fails(String text) {
        return assertThrows(ScenarioException.class, () -> ScenarioLoader.load(text, "t.conf")).getMessage();
    }

    /** VALID with its {@code line}-th line (counting from 1) replaced. */
    private static String withLine(int line, String replacement) {
        List<String> lines = new ArrayList<>(VALID.lines().toList());
        lines.set(line - 1, replacement);
        return String.join("\n", lines) + "\n";
    }

    @Test
    void everyProblemIsReportedOneLineEachInFileOrder() {
        String text = """
                scenario {
                  name = "e"
                  question = "q"
                  length { operations = 10 }
                  driver { strategy = eager }
                  smmus = [ { id = 0, iotlb-policy = mru, typo = 1 } ]
                  devices = [ { name = d, stream = 1, workload { kind = random, window = 64K } } ]
                  seed = ten
                }
                """;
        assertEquals(String.join("\n",
                "t.conf:5: driver.strategy: 'eager' is not one of strict, batched, lazy",
                "t.conf:6: smmus[0].iotlb-policy: 'mru' is not one of lru, fifo, random, flush-all-when-full",
                "t.conf:6: smmus[0].typo: unknown key (expected one of id, stage1, stage2, ril, hyp, asid-bits, "
                        + "vmid-bits, sid-bits, ssid-bits, two-level-stream-tables, granules, oas, cmdq-entries, evtq-entries, iotlb-entries, "
                        + "iotlb-policy, iotlb-seed, tcu)",
                "t.conf:8: seed: expected a whole number, got 'ten'"), fails(text));
    }

    /** A typo in a domain is one message, not also "no domain" on every stream and device using it. */
    @Test
    void aBrokenEntryIsNotReportedAgainWhereItIsReferenced() {
        String text = withLine(6, "  domains = [ { id = 1, smmu = 0, stage = stage1, asid = 1, granule = 3K } ]");
        assertEquals("t.conf:6: domains[0].granule: '3K' is not a granule (4K, 16K, 64K)", fails(text));
        String onUnknownSmmu = withLine(6, "  domains = [ { id = 1, smmu = 4, stage = stage1, asid = 1 } ]");
        assertEquals("t.conf:6: domains[0].smmu: no SMMU 4 (SMMUs: 0)", fails(onUnknownSmmu));
    }

    @Test
    void sizesAndDurationsTakeHoconUnits() {
        String text = withLine(8, "  devices = [ { name = d, stream = 1, workload { kind = nic-ring, ring = 8, packet = 1MiB } } ]")
                .replace("  length { operations = 10 }", "  length { virtual-time = 1us }\n  driver { flush-timeout = 500ns }");
        Scenario s = ScenarioLoader.load(text, "t.conf");
        assertEquals(new Workload.NicRing(8, 1 << 20, 1), s.devices().get(0).workload());
        assertEquals(1_000, s.length().virtualNanos());
        assertEquals(500, s.driver().flushTimeoutNs());
        assertEquals("t.conf:8: devices[0].workload.packet: '2 parsecs' is not a size (e.g. 4096, 4K, 1MiB, 2M)",
                fails(withLine(8, "  devices = [ { name = d, stream = 1, workload { kind = nic-ring, ring = 8, packet = 2 parsecs } } ]")));
    }

    @Test
    void aStreamThatTranslatesNothingTakesNoDomain() {
        assertEquals("t.conf:7: streams[0].domain: a bypass stream translates nothing and takes no domain",
                fails(withLine(7, "  streams = [ { smmu = 0, sid = 1, config = bypass, domain = 1 } ]")));
        assertEquals("t.conf:7: streams[0].domain: required key is missing",
                fails(withLine(7, "  streams = [ { smmu = 0, sid = 1, config = stage1 } ]")));
    }

    @Test
    void aStreamIdMustFitTheSmmu() {
        String text = withLine(5, "  smmus = [ { id = 0, sid-bits = 4 } ]")
                .replace("sid = 1,", "sid = 16,").replace("stream = 1,", "stream = 16,");
        assertEquals("t.conf:7: streams[0].sid: 16 does not fit SMMU 0's 4-bit StreamIDs", fails(text));
    }

    @Test
    void aNestedGuestNeedsANestedStream() {
        assertEquals("t.conf:8: devices[0].stream: a nested-guest workload needs a nested stream; stream 1 is stage1",
                fails(withLine(8, "  devices = [ { name = d, stream = 1, workload { kind = nested-guest, window = 1M, remap-every = 9 } } ]")));
    }

    @Test
    void aGuestKeepingItsTablesNeedsA4kStage1Granule() {
        String nested = withLine(6, "  domains = [ { id = 2, smmu = 0, stage = stage2, vmid = 1 },"
                + " { id = 1, smmu = 0, stage = nested, parent = 2, granule = 64K, asid = 1 } ]")
                .replace("config = stage1, domain = 1", "config = nested, domain = 1");
        String guest = "  devices = [ { name = d, stream = 1, workload { kind = nested-guest, window = 1M,"
                + " remap-every = 9, guest-tables = true } } ]";
        List<String> lines = new ArrayList<>(nested.lines().toList());
        lines.set(7, guest);
        assertEquals("t.conf:8: devices[0].workload: guest-tables = true keeps the guest's stage-1 tables in its"
                + " memory as 4K-granule tables; domain 1 of stream 1 has the 64K granule",
                fails(String.join("\n", lines) + "\n"));
        // the model's own tables take any granule
        lines.set(7, guest.replace(", guest-tables = true", ""));
        assertEquals(Granule.G64K, ScenarioLoader.load(String.join("\n", lines) + "\n", "t.conf").domains().get(1)
                .spec().granule());
    }

    @Test
    void aDeviceMustNameTheSmmuWhenItsStreamIdIsOnSeveral() {
        String text = withLine(5, "  smmus = [ { id = 0 }, { id = 1 } ]")
                .replace("  streams = [ { smmu = 0, sid = 1, config = stage1, domain = 1 } ]",
                        "  streams = [ { smmu = 0, sid = 1, config = stage1, domain = 1 }, { smmu = 1, sid = 1, config = bypass } ]");
        assertEquals("t.conf:8: devices[0].stream: stream 1 exists on SMMUs 0, 1; say which with smmu", fails(text));
        Scenario s = ScenarioLoader.load(text.replace("stream = 1,", "stream = 1, smmu = 1,"), "t.conf");
        assertEquals(1, s.devices().get(0).smmu());
    }

    @Test
    void aDomainTheSmmuCannotHostIsRefusedWithTheAllocationReason() {
        String text = withLine(5, "  smmus = [ { id = 0, stage1 = false } ]");
        assertEquals("t.conf:6: domains[0].stage: SMMU 0 refuses it: this SMMU has no stage 1 (IDR0.S1P=0)", fails(text));
    }

    @Test
    void syntaxErrorsHaveALineButNoKey() {
        String message = fails("scenario {\n  name = x\n  = 3\n}\n");
        assertTrue(message.startsWith("t.conf:3: ") && !message.contains("name"), message);
    }

    /** Nothing comes from outside the file: no includes, no environment in substitutions. */
    @Test
    void includesAndEnvironmentAreRefused() {
        String include = fails("include \"application.conf\"\n" + VALID);
        assertTrue(include.startsWith("t.conf:1: "), include);
        assertTrue(include.contains(NoIncludes.REASON), include);
        String env = fails(VALID.replace("name = \"e\"", "name = ${PATH}"));
        assertTrue(env.startsWith("t.conf:2: "), env);
        assertTrue(env.contains("${PATH}"), env);
    }

    @Test
    void substitutionsWithinTheFileWork() {
        Scenario s = ScenarioLoader.load(VALID.replace("question = \"q\"", "question = ${scenario.name}\"?\""), "t.conf");
        assertEquals("e?", s.question());
    }

    @Test
    void aMissingFileNamesIt() {
        Path missing = Path.of("no/such/file.conf");
        String message = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(missing)).getMessage();
        assertTrue(message.startsWith("no/such/file.conf: cannot read: "), message);
    }

    @Test
    void anEmptyFileNeedsTheScenarioObject() {
        assertEquals("t.conf:1: scenario: required key is missing", fails(""));
    }
}
