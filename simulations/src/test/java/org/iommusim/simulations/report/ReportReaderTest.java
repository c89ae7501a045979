package org.iommusim.simulations.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.json reads back into the report it was written from: writing it again gives the same bytes. */
class ReportReaderTest {

    @Test
    void everyReportReadsBackToTheSameJson(@TempDir Path tmp) throws Exception {
        SimulationReport answered = SampleReports.racy().withAnswer(new SimulationReport.Answer("it \"does\"", false,
                List.of(new SimulationReport.ClaimResult("violations is none", "2", false))));
        int i = 0;
        for (SimulationReport r : List.of(SampleReports.racy(), SampleReports.quiet(), SampleReports.small(), answered)) {
            Path json = ReportWriter.write(r, tmp.resolve("r" + i++)).json();
            SimulationReport back = ReportReader.read(json);
            assertEquals(Files.readString(json), JsonPrinter.print(ReportJson.of(back, ReportJson.Scope.FULL)),
                    r.scenario());
            assertEquals(r.deviceSeries(), back.deviceSeries());
            assertEquals(r.checker().groups(), back.checker().groups());
        }
    }

    @Test
    void unknownKeysAreLeftAloneAndMissingOnesAreNamed(@TempDir Path tmp) throws Exception {
        Path json = ReportWriter.write(SampleReports.small(), tmp.resolve("a")).json();
        String text = Files.readString(json);
        Files.writeString(json, text.replaceFirst("\\{", "{\n  \"audits\": {\"x\": [1, 2]},"));
        assertEquals(SampleReports.small().iotlb(), ReportReader.read(json).iotlb());
        Files.writeString(json, text.replace("\"latency\"", "\"latencyRenamed\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportReader.read(json));
        assertTrue(e.getMessage().contains("no \"latency\""), e.getMessage());
        Files.writeString(json, text.substring(0, text.length() / 2));
        e = assertThrows(IllegalArgumentException.class, () -> ReportReader.read(json));
        assertTrue(e.getMessage().contains("not JSON at offset"), e.getMessage());
    }
}
