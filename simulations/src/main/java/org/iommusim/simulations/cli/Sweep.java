package org.iommusim.simulations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.actors.api.ModelException;
import org.iommusim.persistence.journal.JournalUnavailableException;
import org.iommusim.simulations.engine.RunFolder;
import org.iommusim.simulations.engine.RunMode;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.report.Comparison;
import org.iommusim.simulations.report.ComparisonWriter;
import org.iommusim.simulations.report.ReportFiles;
import org.iommusim.simulations.report.ReportWriter;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioException;
import org.iommusim.simulations.scenario.ScenarioLoader;

/**
 * {@code simulate SCENARIO --sweep KEY=V1,V2 [--sweep KEY2=...]}: one run per
 * combination of the values (a grid), one after another in this JVM, each in
 * its own run folder {@code DIR/KEY=V,KEY2=W}, then one comparison report in
 * {@code DIR}. Every variant's scenario is loaded and checked before the
 * first run, so a bad value stops the sweep before it starts.
 */
final class Sweep {
    private final SimulateCommand cmd;
    private final Path file;

    Sweep(SimulateCommand cmd, Path file) {
        this.cmd = cmd;
        this.file = file;
    }

    /** A swept key and its values, from {@code KEY=V1,V2,...}. */
    record Axis(String key, List<String> values) {
        static Axis parse(String text) {
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new UserError("--sweep " + text + ": expected KEY=V1,V2,... (e.g. --sweep driver.strategy=strict,lazy)");
            }
            List<String> values = new ArrayList<>();
            for (String v : text.substring(eq + 1).split(",", -1)) {
                if (v.isBlank()) {
                    throw new UserError("--sweep " + text + ": an empty value; give values separated by commas");
                }
                if (values.contains(v.trim())) {
                    throw new UserError("--sweep " + text + ": the value " + v.trim() + " is given twice");
                }
                values.add(v.trim());
            }
            return new Axis(text.substring(0, eq).trim(), values);
        }
    }

    int run() throws IOException {
        if (cmd.timeline != null) {
            throw new UserError("--timeline with --sweep: a timeline is of one run; run the variant you want to see"
                    + " with --set and --timeline");
        }
        List<Axis> axes = new ArrayList<>();
        for (String s : cmd.sweep) {
            Axis a = Axis.parse(s);
            if (axes.stream().anyMatch(b -> b.key().equals(a.key()))) {
                throw new UserError("--sweep " + a.key() + " is given twice; give its values in one --sweep");
            }
            axes.add(a);
        }
        List<Map<String, String>> grid = new ArrayList<>();
        grid.add(new LinkedHashMap<>());
        for (Axis a : axes) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> g : grid) {
                for (String v : a.values()) {
                    Map<String, String> m = new LinkedHashMap<>(g);
                    m.put(a.key(), v);
                    next.add(m);
                }
            }
            grid = next;
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (Map<String, String> g : grid) {
            List<String> overrides = new ArrayList<>(cmd.overrides);
            g.forEach((k, v) -> overrides.add(k + "=" + v));
            try {
                Scenario sc = ScenarioLoader.load(file, overrides);
                scenarios.add(cmd.seed != null ? sc.withSeed(cmd.seed) : sc);
            } catch (ScenarioException e) {
                throw new UserError("variant " + label(g) + ": " + e.getMessage(), e);
            }
        }
        if (cmd.concurrent && cmd.interleave != null) {
            throw new UserError("--interleave chooses an interleaving of the deterministic mode; --concurrent runs"
                    + " on threads, whose interleaving no seed decides: give one or the other");
        }
        RunMode mode = cmd.concurrent ? RunMode.CONCURRENT
                : cmd.interleave != null ? RunMode.interleaved(cmd.interleave) : RunMode.DETERMINISTIC;
        Scenario first = scenarios.get(0);
        Path dir = cmd.out != null ? cmd.out.toAbsolutePath().normalize()
                : SimulateCommand.freeFolder(Paths.get("out", first.name() + "-sweep").toAbsolutePath().normalize());
        checkFolder(dir);
        PrintWriter o = cmd.spec.commandLine().getOut();
        PrintWriter err = cmd.spec.commandLine().getErr();
        List<Comparison.Variant> variants = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            Scenario sc = scenarios.get(i);
            String label = label(grid.get(i));
            Path sub = dir.resolve(folderName(label));
            try (RunFolder folder = cmd.claim(sub)) {
                o.printf("iommu-sim: %s [%d/%d %s] (seed %d, %s) -> %s%n", sc.name(), i + 1, grid.size(), label,
                        sc.seed(), mode.label(), sub);
                o.flush();
                ProgressBar bar = new ProgressBar(err, cmd.quiet);
                SimulationReport report;
                try {
                    report = Simulation.run(sc, folder, mode, bar::update);
                } catch (JournalUnavailableException e) {
                    throw new UserError(e.getMessage(), e);
                } catch (ModelException e) {
                    throw UserError.ifJournalUnavailable(e);
                } finally {
                    bar.done();
                }
                ReportWriter.write(report, sub);
                variants.add(new Comparison.Variant(label, grid.get(i), sub.toString(), report));
                o.printf(java.util.Locale.ROOT, "  hit rate %.1f%%, %d violations%s%n", 100 * report.iotlb().hitRate(),
                        report.checker().violationCount(), report.answer() == null ? ""
                                : report.answer().borneOut() ? ", expected answer borne out"
                                : ", expected answer NOT borne out");
            }
        }
        SimulationReport.Answer answer = variants.get(0).report().answer();
        Comparison c = new Comparison(first.name(), first.question(), answer == null ? null : answer.expected(),
                axes.stream().map(Axis::key).toList(), variants);
        ReportFiles files = ComparisonWriter.write(c, dir);
        o.printf("comparison  %s%n            %s%n", files.html(), files.json());
        return 0;
    }

    /** The settings of a variant: {@code key=value} joined by commas. */
    static String label(Map<String, String> settings) {
        List<String> parts = new ArrayList<>();
        settings.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    /** A folder name for a label: characters outside [A-Za-z0-9._=,-] become '_'. */
    static String folderName(String label) {
        return label.replaceAll("[^A-Za-z0-9._=,-]", "_");
    }

    /**
     * The sweep's folder may be missing or empty, or hold an earlier sweep (its comparison files and variant
     * folders) to be replaced with --force; anything else is refused, as for a run folder.
     */
    private void checkFolder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + " is a file, not a folder for the sweep's runs");
        }
        boolean earlier = Files.exists(dir.resolve(ComparisonWriter.JSON_FILE));
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        }
        if (!earlier) {
            throw new UserError(dir + " holds files a sweep did not write; give a new or empty folder with --out");
        }
        if (!cmd.force) {
            throw new UserError(dir + " holds an earlier sweep; --force replaces it (each variant's run folder "
                    + "as simulate --force does)");
        }
    }
}
