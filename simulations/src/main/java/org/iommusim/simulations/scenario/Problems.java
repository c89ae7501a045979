package org.iommusim.simulations.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything wrong with one scenario file. Collected rather than thrown at once so a user fixes a file in
 * one pass; reported sorted by line so the message reads in file order.
 */
final class Problems {
    private record Problem(Where where, String reason) {}

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void add(Where where, String reason) {
        problems.add(new Problem(where, reason));
    }

    int count() {
        return problems.size();
    }

    /** Throws one {@link ScenarioException} with a line per problem, in file order; does nothing when clean. */
    void throwIfAny() {
        if (problems.isEmpty()) {
            return;
        }
        String message = problems.stream()
                .sorted(Comparator.comparingInt(p -> p.where().order()))
                .map(this::format)
                .collect(Collectors.joining("\n"));
        throw new ScenarioException(message);
    }

    private String format(Problem p) {
        String key = p.where().key().isEmpty() ? "" : p.where().key() + ": ";
        String place = p.where().override() != null ? file + " (" + p.where().override() + ")"
                : file + ":" + Math.max(1, p.where().line());
        return place + ": " + key + p.reason();
    }
}
