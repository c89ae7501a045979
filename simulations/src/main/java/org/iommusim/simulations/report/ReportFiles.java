package org.iommusim.simulations.report;

import java.nio.file.Path;

/**
 * What {@link ReportWriter#write} wrote.
 *
 * @param json the {@code report.json} file
 * @param html the {@code report.html} file
 */
public record ReportFiles(Path json, Path html) {}
