package org.iommusim.simulations.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.iommusim.simulations.report.ReportWriter;

/**
 * What a run folder holds, sorted into what a simulation writes there and
 * everything else. Only names and shapes a run produces count as a run's:
 * {@code journal/} holding LevelDB's files under {@code journal/journal/} and
 * snapshot files under {@code journal/snapshots/}, the two reports and the
 * run marker, each of the right kind and never a symbolic link. Anything
 * else, at any of those levels, is foreign.
 *
 * @param run     a run's files and folders, children before their folder, in
 *                the order they can be deleted (the lock file is never among them)
 * @param foreign what iommu-sim did not write, as paths relative to the folder
 */
record RunFolderContents(List<Path> run, List<String> foreign) {
    static final String JOURNAL = "journal";
    private static final Set<String> RUN_FILES = Set.of(ReportWriter.JSON_FILE, ReportWriter.HTML_FILE,
            RunFolder.MARKER_FILE);
    /** The files LevelDB (native or the Java port) keeps in a database folder. */
    private static final Pattern LEVELDB_FILE =
            Pattern.compile("CURRENT|LOCK|LOG|LOG\\.old|MANIFEST-\\d+|\\d+\\.(log|ldb|sst|dbtmp)");
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** Sorts what {@code dir} (an existing folder) holds; reads only. */
    static RunFolderContents of(Path dir) throws IOException {
        List<Path> run = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (Path p : children(dir)) {
            String name = p.getFileName().toString();
            if (name.equals(RunFolder.LOCK_FILE) && Files.isRegularFile(p, NOFOLLOW)) {
                continue;
            }
            if (RUN_FILES.contains(name) && Files.isRegularFile(p, NOFOLLOW)) {
                run.add(p);
            } else if (name.equals(JOURNAL) && Files.isDirectory(p, NOFOLLOW)) {
                journal(dir, p, run, foreign);
            } else {
                foreign.add(name);
            }
        }
        return new RunFolderContents(List.copyOf(run), List.copyOf(foreign));
    }

    /** True when the folder holds something an earlier run wrote. */
    boolean holdsRun() {
        return !run.isEmpty();
    }

    /**
     * The run's entries directly in {@code dir}, as a reader would name them
     * ({@code journal/}, {@code report.json}); the hidden marker only when it is all there is.
     */
    String runNames(Path dir) {
        List<String> names = run.stream().filter(p -> dir.equals(p.getParent()))
                .map(p -> Files.isDirectory(p, NOFOLLOW) ? p.getFileName() + "/" : p.getFileName().toString())
                .toList();
        List<String> visible = names.stream().filter(n -> !n.equals(RunFolder.MARKER_FILE)).toList();
        return String.join(", ", visible.isEmpty() ? names : visible);
    }

    /** The foreign entries for a message: at most three, then how many more. */
    String foreignNames() {
        List<String> shown = foreign.subList(0, Math.min(3, foreign.size()));
        String more = foreign.size() > shown.size() ? " and " + (foreign.size() - shown.size()) + " more" : "";
        return String.join(", ", shown) + more;
    }

    /** Deletes exactly the run's entries found by {@link #of}, files first; a folder that gained anything fails. */
    void deleteRun() throws IOException {
        for (Path p : run) {
            Files.delete(p);
        }
    }

    private static void journal(Path dir, Path journal, List<Path> run, List<String> foreign) throws IOException {
        for (Path p : children(journal)) {
            String name = p.getFileName().toString();
            if (name.equals("journal") && Files.isDirectory(p, NOFOLLOW)) {
                files(dir, p, n -> LEVELDB_FILE.matcher(n).matches(), run, foreign);
            } else if (name.equals("snapshots") && Files.isDirectory(p, NOFOLLOW)) {
                files(dir, p, n -> n.startsWith("snapshot-"), run, foreign);
            } else {
                foreign.add(dir.relativize(p).toString());
            }
        }
        run.add(journal);
    }

    private static void files(Path dir, Path folder, java.util.function.Predicate<String> ours, List<Path> run,
            List<String> foreign) throws IOException {
        for (Path p : children(folder)) {
            if (Files.isRegularFile(p, NOFOLLOW) && ours.test(p.getFileName().toString())) {
                run.add(p);
            } else {
                foreign.add(dir.relativize(p).toString());
            }
        }
        run.add(folder);
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
