package org.iommusim.simulations.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link SimulationReport} as {@code report.json} and
 * {@code report.html}; the layout of both is described in docs/REPORTS.md.
 *
 * <p>{@link #json} is the deterministic part of the report: the same text as
 * {@code report.json} minus the two fields that differ between two runs of
 * the same scenario and seed, {@code journalDir} and {@code run.wallSeconds}.
 * Compare or digest that string, not the file.
 */
public final class ReportWriter {
    public static final String JSON_FILE = "report.json";
    public static final String HTML_FILE = "report.html";

    private ReportWriter() {}

    /** Writes both files into outDir, creating it and its parents, replacing earlier reports there. */
    public static ReportFiles write(SimulationReport report, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path json = outDir.resolve(JSON_FILE);
        Path html = outDir.resolve(HTML_FILE);
        Files.writeString(json, JsonPrinter.print(ReportJson.of(report, ReportJson.Scope.FULL)), StandardCharsets.UTF_8);
        Files.writeString(html, ReportPage.render(report), StandardCharsets.UTF_8);
        return new ReportFiles(json, html);
    }

    /** The report as JSON without {@code journalDir} and {@code run.wallSeconds}: equal runs give equal strings. */
    public static String json(SimulationReport report) {
        return JsonPrinter.print(ReportJson.of(report, ReportJson.Scope.DETERMINISTIC));
    }
}
