package org.iommusim.simulations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommusim.actors.api.ModelException;
import org.iommusim.persistence.journal.JournalUnavailableException;
import org.iommusim.simulations.engine.RunFolder;
import org.iommusim.simulations.engine.RunFolderException;
import org.iommusim.simulations.engine.RunMode;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.json.JsonText;
import org.iommusim.simulations.report.ReportWriter;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioException;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.iommusim.simulations.scenario.ScenarioRewrite;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iommu-sim explore SCENARIO [--seeds A..B] [--set KEY=VALUE ...] [--out DIR] [--json]}: runs
 * the scenario once per seed (deterministic mode), each in its own run folder {@code DIR/seed-N} with
 * its reports and journal, and tables what each seed found: violations by rule, stale uses, the
 * longest exposure measured from the caches, and injected faults that never fired. For the first
 * failing seed it prints the {@code simulate} command that reproduces it and its first violation's
 * {@code trace} command.
 */
@Command(name = "explore", mixinStandardHelpOptions = true,
        description = {"Run a scenario over many seeds and table what the checker found in each; for the first "
                + "failing seed, print the commands that reproduce and trace it."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every seed ran (the verdicts are in the table)",
                "2:the scenario, the seed range or the output folder is unusable"})
final class ExploreCommand implements Callable<Integer> {
    private static final Pattern RANGE = Pattern.compile("(\\d+)\\.\\.(\\d+)");
    /** More seeds than anyone waits for in one call: a typo like 1..1000000 is refused, not started. */
    static final int MAX_SEEDS = 10_000;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "a scenario file")
    Path scenario;

    @Option(names = "--seeds", paramLabel = "A..B", description = "the seeds to run, both ends included "
            + "(default: 1..10)")
    String seeds = "1..10";

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a scenario key for every seed, checked like the file")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = {"where the runs go, one folder seed-N each: a new "
            + "or empty folder (default: the first free out/<scenario>-explore, -2, -3, ...)"})
    Path out;

    @Option(names = "--json", description = "print the table as JSON on standard output instead")
    boolean json;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--no-shrink", description = "do not shrink the first failing seed to a short reproducer")
    boolean noShrink;

    /** The first failing seed shrunk: its scenario file, its run folder, and how far it shrank. */
    record Shrunk(Path file, Path dir, Shrinker.Result result, String rule) {}

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One seed's findings. */
    record Row(long seed, SimulationReport report, Path dir) {
        boolean failed() {
            return report.checker().violationCount() > 0;
        }
    }

    @Override
    public Integer call() throws IOException {
        long[] range = seedRange(seeds);
        if (!Files.isRegularFile(scenario)) {
            throw new UserError("no scenario file " + scenario);
        }
        Scenario base;
        try {
            base = ScenarioLoader.load(scenario, overrides);
        } catch (ScenarioException e) {
            throw new UserError(e.getMessage(), e);
        }
        Path dir = out != null ? out.toAbsolutePath().normalize()
                : SimulateCommand.freeFolder(Paths.get("out", base.name() + "-explore").toAbsolutePath().normalize());
        if (Files.exists(dir) && !(Files.isDirectory(dir) && isEmpty(dir))) {
            throw new UserError(dir + " is not a new or empty folder: explore writes one run folder per seed there");
        }
        PrintWriter o = spec.commandLine().getOut();
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), quiet);
        long n = range[1] - range[0] + 1;
        List<Row> rows = new ArrayList<>();
        try {
            for (long s = range[0]; s <= range[1]; s++) {
                Scenario sc = base.withSeed(s);
                Path seedDir = dir.resolve("seed-" + s);
                long done = s - range[0];
                try (RunFolder folder = RunFolder.claim(seedDir, false)) {
                    SimulationReport r = Simulation.run(sc, folder, RunMode.DETERMINISTIC,
                            p -> bar.update((done * 1000 + p) / n));
                    ReportWriter.write(r, seedDir);
                    rows.add(new Row(s, r, seedDir));
                } catch (RunFolderException e) {
                    throw new UserError(e.getMessage(), e);
                } catch (JournalUnavailableException e) {
                    throw new UserError(e.getMessage(), e);
                } catch (ModelException e) {
                    throw UserError.ifJournalUnavailable(e);
                }
            }
        } finally {
            bar.done();
        }
        Row first = rows.stream().filter(Row::failed).findFirst().orElse(null);
        Shrunk shrunk = first == null || noShrink ? null : shrink(base, first, dir);
        if (json) {
            o.print(json(base, rows, shrunk));
        } else {
            table(o, base, rows);
            if (shrunk != null) {
                Shrinker.Result res = shrunk.result();
                o.printf("shrunk      to %d operation%s and %d device%s (%d runs), still %s: %s%n", res.operations(),
                        res.operations() == 1 ? "" : "s", res.devices(), res.devices() == 1 ? "" : "s", res.runs(),
                        shrunk.rule(), shrunk.file());
                o.printf("journal     %s%n", shrunk.dir().resolve("journal"));
                o.printf("reproduce   %s%n", reproduce(shrunk));
            }
        }
        o.flush();
        return 0;
    }

    /**
     * Shrinks the first failing seed (see {@link Shrinker}), writes the reproducer as {@code DIR/shrunk.conf}
     * and runs it into {@code DIR/shrunk}, its journal and reports beside it.
     */
    private Shrunk shrink(Scenario base, Row first, Path dir) throws IOException {
        String rule = first.report().checker().violations().get(0).rule();
        Path scratch = Files.createDirectories(dir.resolve(".shrink"));
        Shrinker.Result res;
        try {
            res = new Shrinker(rule, first.seed(), scratch, n -> { }).shrink(ScenarioRewrite.of(scenario, overrides),
                    base.withSeed(first.seed()), first.report().run().operations());
        } finally {
            try (var left = Files.list(scratch)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(scratch);
                }
            }
        }
        String header = base.name() + ", shrunk by iommu-sim explore from seed " + first.seed() + " of " + scenario
                + (overrides.isEmpty() ? "" : " with --set " + String.join(" --set ", overrides)) + "\n"
                + "to the fewest devices, the earliest fault occasions and the fewest operations that still break "
                + rule + ".";
        ScenarioRewrite out = res.scenario().name(base.name() + "-shrunk")
                .expectViolations("The checker finds " + rule + ", as seed " + first.seed() + " of " + base.name()
                        + " did.");
        Path file = dir.resolve("shrunk.conf");
        Files.writeString(file, out.text(header));
        Path runDir = dir.resolve("shrunk");
        try (RunFolder folder = RunFolder.claim(runDir, false)) {
            SimulationReport r = Simulation.run(ScenarioLoader.load(file), folder, RunMode.DETERMINISTIC, p -> { });
            ReportWriter.write(r, runDir);
        } catch (RunFolderException e) {
            throw new UserError(e.getMessage(), e);
        }
        return new Shrunk(file, runDir, res, rule);
    }

    private static String reproduce(Shrunk s) {
        return "./iommu-sim simulate " + shellWord(s.file().toString()) + " --out "
                + shellWord(s.dir().resolveSibling("shrunk-again").toString());
    }

    static long[] seedRange(String text) {
        Matcher m = RANGE.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new UserError("--seeds must be A..B (two non-negative whole numbers, A <= B), got '" + text + "'");
        }
        long a;
        long b;
        try {
            a = Long.parseLong(m.group(1));
            b = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            throw new UserError("--seeds " + text + ": a seed is too large", e);
        }
        if (a > b) {
            throw new UserError("--seeds " + text + ": the first seed is after the last");
        }
        if (b - a + 1 > MAX_SEEDS) {
            throw new UserError("--seeds " + text + ": " + (b - a + 1) + " seeds; at most " + MAX_SEEDS + " per call");
        }
        return new long[] {a, b};
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private void table(PrintWriter o, Scenario sc, List<Row> rows) {
        o.printf("explore     %s, seeds %d..%d (%s)%n", sc.name(), rows.get(0).seed(), rows.get(rows.size() - 1).seed(),
                overrides.isEmpty() ? "as the file says" : "with " + String.join(" ", overrides));
        o.printf("%8s  %10s  %11s  %16s  %s%n", "seed", "violations", "stale uses", "max exposure ns", "by rule");
        long failing = 0;
        for (Row r : rows) {
            SimulationReport.Checker c = r.report().checker();
            o.printf("%8d  %10d  %11d  %16d  %s%s%n", r.seed(), c.violationCount(), c.staleUses(),
                    r.report().staleWindow().maxNs(), byRule(c.violationsByRule()),
                    c.warnings().isEmpty() ? "" : "  (" + c.warnings().size() + " fault(s) never fired)");
            failing += r.failed() ? 1 : 0;
        }
        o.printf("found       violations in %d of %d seeds%n", failing, rows.size());
        rows.stream().flatMap(r -> r.report().checker().warnings().stream().map(w -> "seed " + r.seed() + ": " + w))
                .distinct().limit(5).forEach(w -> o.printf("WARNING     %s%n", w));
        Row first = rows.stream().filter(Row::failed).findFirst().orElse(null);
        if (first != null) {
            SimulationReport.Violation v = first.report().checker().violations().get(0);
            o.printf("first       seed %d: %s: %s%n", first.seed(), v.rule(), v.explanation());
            o.printf("rerun       %s%n", rerun(first));
            o.printf("trace       %s%n", v.traceCommand());
            o.printf("report      %s%n", first.dir().resolve("report.html"));
        }
    }

    /** The simulate command that runs exactly this seed's scenario again. */
    private String rerun(Row r) {
        StringBuilder sb = new StringBuilder("./iommu-sim simulate ").append(shellWord(scenario.toString()))
                .append(" --seed ").append(r.seed());
        for (String s : overrides) {
            sb.append(" --set ").append(shellWord(s));
        }
        return sb.toString();
    }

    private static String shellWord(String s) {
        return s.matches("[A-Za-z0-9_./=:,+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static String byRule(Map<String, Long> rules) {
        if (rules.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        rules.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    private String json(Scenario sc, List<Row> rows, Shrunk shrunk) {
        StringBuilder sb = new StringBuilder("{\n  \"scenario\": ");
        JsonText.quote(sb, sc.name());
        sb.append(",\n  \"seeds\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            SimulationReport.Checker c = r.report().checker();
            sb.append("    {\"seed\": ").append(r.seed()).append(", \"violationCount\": ").append(c.violationCount())
                    .append(", \"violationsByRule\": {");
            int k = 0;
            for (Map.Entry<String, Long> e : c.violationsByRule().entrySet()) {
                sb.append(k++ == 0 ? "" : ", ");
                JsonText.quote(sb, e.getKey());
                sb.append(": ").append(e.getValue());
            }
            sb.append("}, \"staleUses\": ").append(c.staleUses()).append(", \"maxExposureNs\": ")
                    .append(r.report().staleWindow().maxNs()).append(", \"faultsNotFired\": ")
                    .append(c.warnings().size()).append(", \"dir\": ");
            JsonText.quote(sb, r.dir().toString());
            sb.append('}').append(i + 1 < rows.size() ? "," : "").append('\n');
        }
        sb.append("  ],\n  \"firstFailing\": ");
        Row first = rows.stream().filter(Row::failed).findFirst().orElse(null);
        if (first == null) {
            sb.append("null");
        } else {
            SimulationReport.Violation v = first.report().checker().violations().get(0);
            sb.append("{\"seed\": ").append(first.seed()).append(", \"rule\": ");
            JsonText.quote(sb, v.rule());
            sb.append(", \"rerunCommand\": ");
            JsonText.quote(sb, rerun(first));
            sb.append(", \"traceCommand\": ");
            JsonText.quote(sb, v.traceCommand());
            sb.append('}');
        }
        sb.append(",\n  \"shrunk\": ");
        if (shrunk == null) {
            sb.append("null");
        } else {
            sb.append("{\"operations\": ").append(shrunk.result().operations()).append(", \"devices\": ")
                    .append(shrunk.result().devices()).append(", \"runs\": ").append(shrunk.result().runs())
                    .append(", \"scenarioFile\": ");
            JsonText.quote(sb, shrunk.file().toString());
            sb.append(", \"journalDir\": ");
            JsonText.quote(sb, shrunk.dir().resolve("journal").toString());
            sb.append(", \"simulateCommand\": ");
            JsonText.quote(sb, reproduce(shrunk));
            sb.append('}');
        }
        return sb.append("\n}\n").toString();
    }
}
