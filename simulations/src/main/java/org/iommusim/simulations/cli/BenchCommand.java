package org.iommusim.simulations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.iommusim.simulations.bench.BenchFigure;
import org.iommusim.simulations.bench.HeadlineBench;
import org.iommusim.simulations.json.JsonText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim bench [--quick] [--json FILE]}: the headline figures in one
 * JVM and one run, each ratio beside its floor, with its spread.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the headline figures (translation, durable command queue, replay, map+unmap, "
                + "simulation speed, memory), each beside its floor, in one run."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "smaller workloads and fewer rounds (a few minutes on 2 cores)")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON")
    Path json;

    /** Shrinks every workload further; for tests of the command itself, not for figures. */
    @Option(names = "--scale", hidden = true)
    Double scale;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        double s = scale != null ? scale : quick ? 0.25 : 1.0;
        int rounds = quick || scale != null ? 3 : 5;
        Path quickstart = ProjectHome.find().resolve("conf/scenarios/quickstart.conf");
        if (!Files.isRegularFile(quickstart)) {
            throw new UserError("no " + quickstart + " (run from the project folder, or through ./iommu-sim)");
        }
        List<BenchFigure> figures = HeadlineBench.run(s, rounds, quickstart, what -> {
            spec.commandLine().getErr().println("bench: " + what + " ...");
            spec.commandLine().getErr().flush();
        });
        out.printf("%-38s %-62s %12s %10s %6s%n", "key", "figure (mean, min..max, rsd)", "floor", "ratio", "goal");
        for (BenchFigure f : figures) {
            out.printf(Locale.ROOT, "%-38s %-62s %12s %10s %6s%n", f.key(), f.summary(),
                    f.isRatio() ? String.format(Locale.ROOT, "%,.0f/s", f.floor().mean()) : "-",
                    f.isRatio() ? String.format(Locale.ROOT, "%.3f", f.ratio()) : "-",
                    f.hasGoal() ? (f.met() ? ">=" : "< ") + goal(f) : "-");
        }
        out.flush();
        if (json != null) {
            write(json, figures);
            out.println("figures written to " + json.toAbsolutePath());
        }
        return 0;
    }

    private static String goal(BenchFigure f) {
        return f.isRatio() ? Double.toString(f.goal()) : String.format(Locale.ROOT, "%,.0f", f.goal());
    }

    private static void write(Path file, List<BenchFigure> figures) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < figures.size(); i++) {
            BenchFigure f = figures.get(i);
            sb.append("  ");
            JsonText.quote(sb, f.key());
            sb.append(": {\"what\": ");
            JsonText.quote(sb, f.what());
            sb.append(", \"unit\": ");
            JsonText.quote(sb, f.unit().strip());
            sb.append(String.format(Locale.ROOT, ", \"mean\": %.3f, \"min\": %.3f, \"max\": %.3f, \"rsdPercent\": %.2f",
                    f.figure().mean(), f.figure().min(), f.figure().max(), f.figure().rsdPercent()));
            if (f.isRatio()) {
                sb.append(String.format(Locale.ROOT, ", \"floor\": %.3f, \"ratio\": %.4f, \"goal\": %.2f, \"met\": %b",
                        f.floor().mean(), f.ratio(), f.goal(), f.met()));
            } else if (f.hasGoal()) {
                sb.append(String.format(Locale.ROOT, ", \"goal\": %.2f, \"met\": %b", f.goal(), f.met()));
            }
            sb.append(i + 1 < figures.size() ? "},\n" : "}\n");
        }
        sb.append("}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, sb.toString());
    }
}
