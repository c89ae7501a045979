package org.iommusim.simulations.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link Comparison} as {@code comparison.json} and
 * {@code comparison.html} (layouts in docs/REPORTS.md): each variant's
 * headline figures side by side, its expected answer judged, and charts of
 * the figures per variant and of the time series overlaid.
 */
public final class ComparisonWriter {
    public static final String JSON_FILE = "comparison.json";
    public static final String HTML_FILE = "comparison.html";

    private ComparisonWriter() {}

    /** Writes both files into {@code dir} (created if missing), replacing earlier ones. */
    public static ReportFiles write(Comparison c, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(JSON_FILE);
        Path html = dir.resolve(HTML_FILE);
        Files.writeString(json, JsonPrinter.print(json(c)), StandardCharsets.UTF_8);
        Files.writeString(html, ComparisonPage.render(c), StandardCharsets.UTF_8);
        return new ReportFiles(json, html);
    }

    static Json.Obj json(Comparison c) {
        List<Json> figures = new ArrayList<>();
        for (Comparison.Figure f : Comparison.FIGURES) {
            figures.add(new Json.Obj().string("key", f.key()).string("label", f.label()).string("unit", f.unit()));
        }
        List<Json> variants = new ArrayList<>();
        for (Comparison.Variant v : c.variants()) {
            Json.Obj settings = new Json.Obj();
            v.settings().forEach(settings::string);
            Json.Obj values = new Json.Obj();
            for (Comparison.Figure f : Comparison.FIGURES) {
                values.number(f.key(), f.of().applyAsDouble(v.report()));
            }
            SimulationReport.Answer a = v.report().answer();
            variants.add(new Json.Obj().string("label", v.label()).put("settings", settings).string("dir", v.dir())
                    .number("seed", v.report().seed()).string("eventDigest", v.report().eventDigest())
                    .put("figures", values)
                    .put("answer", a == null ? Json.NULL : new Json.Obj()
                            .put("borneOut", new Json.Scalar(Boolean.toString(a.borneOut())))
                            .put("claims", Json.array(a.claims().stream().map(cl -> (Json) new Json.Obj()
                                    .string("claim", cl.claim()).string("observed", cl.observed())
                                    .put("holds", new Json.Scalar(Boolean.toString(cl.holds())))).toList()))));
        }
        return new Json.Obj().string("scenario", c.scenario()).string("question", c.question())
                .string("expected", c.expected())
                .put("sweep", Json.array(c.keys().stream().map(Json::string).toList()))
                .put("figures", Json.array(figures))
                .put("variants", Json.array(variants));
    }
}
