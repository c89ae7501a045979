package org.iommusim.simulations.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's {@code conf/scenarios} and this module's test fixtures, whatever directory Maven runs in. */
final class ScenarioFixtures {
    private ScenarioFixtures() {}

    /** Walks up from the working directory until {@code conf/scenarios} exists. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("conf/scenarios"))) {
                return p;
            }
        }
        throw new IllegalStateException("no conf/scenarios above " + Path.of("").toAbsolutePath());
    }

    static Path fixture(String name) {
        return repoRoot().resolve("simulations/src/test/resources/scenarios").resolve(name);
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
