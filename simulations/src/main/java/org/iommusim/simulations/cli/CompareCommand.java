package org.iommusim.simulations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.iommusim.simulations.report.Comparison;
import org.iommusim.simulations.report.ComparisonWriter;
import org.iommusim.simulations.report.ReportFiles;
import org.iommusim.simulations.report.ReportReader;
import org.iommusim.simulations.report.ReportWriter;
import org.iommusim.simulations.report.SimulationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iommu-sim compare DIR1 DIR2 ... [--out DIR]}: the comparison report
 * of {@code simulate --sweep}, for runs already finished (each DIR a run's
 * folder, or its report.json).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare finished runs side by side: their headline figures, expected answers and time "
                + "series, in one comparison report (comparison.json, comparison.html)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the comparison was written",
                "2:a folder holds no readable report.json, or the output folder is unusable"})
final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "DIR", description = "run folders (or their report.json), two or more")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "DIR", description = {"where comparison.json and comparison.html go "
            + "(default: out/compare-<scenario>, or the first free -2, -3, ...)"})
    Path out;

    @Option(names = "--force", description = "replace an earlier comparison in DIR")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Comparison.Variant> variants = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (Path run : runs) {
            Path file = Files.isRegularFile(run) ? run : run.resolve(ReportWriter.JSON_FILE);
            if (!Files.isRegularFile(file)) {
                throw new UserError("no " + ReportWriter.JSON_FILE + " in " + run + ": give the folders of finished runs");
            }
            SimulationReport r;
            try {
                r = ReportReader.read(file);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), e);
            }
            Path folder = file.toAbsolutePath().normalize().getParent();
            String label = folder.getFileName().toString();
            for (int i = 2; !labels.add(label); i++) {
                label = folder.getFileName() + " (" + i + ")";
            }
            variants.add(new Comparison.Variant(label, Map.of("run", label), folder.toString(), r));
        }
        SimulationReport first = variants.get(0).report();
        boolean oneScenario = variants.stream().allMatch(v -> v.report().scenario().equals(first.scenario()));
        String scenario = oneScenario ? first.scenario()
                : String.join(" / ", variants.stream().map(v -> v.report().scenario()).distinct().toList());
        Path dir = out != null ? out.toAbsolutePath().normalize()
                : SimulateCommand.freeFolder(Paths.get("out", "compare-" + first.scenario()).toAbsolutePath()
                        .normalize());
        checkFolder(dir);
        Comparison c = new Comparison(scenario, oneScenario ? first.question() : null,
                oneScenario && first.answer() != null ? first.answer().expected() : null, List.of("run"), variants);
        ReportFiles files = ComparisonWriter.write(c, dir);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("comparison  %s%n            %s%n", files.html(), files.json());
        return 0;
    }

    /** DIR may be missing or empty, or hold an earlier comparison (replaced with --force); nothing else. */
    private void checkFolder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + " is a file, not a folder for the comparison");
        }
        try (var entries = Files.list(dir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).toList();
            if (names.isEmpty()) {
                return;
            }
            if (!names.contains(ComparisonWriter.JSON_FILE)) {
                throw new UserError(dir + " holds files compare did not write; give a new or empty folder with --out");
            }
        }
        if (!force) {
            throw new UserError(dir + " holds an earlier comparison; --force replaces it");
        }
    }
}
