package org.iommusim.simulations.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The scenarios shipped in {@code conf/scenarios}, found from wherever the test runs (the module or the project). */
public final class ShippedScenarios {
    private ShippedScenarios() {}

    /** {@code conf/scenarios/<name>}; fails the test naming the folder searched if there is none. */
    public static Path file(String name) {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("conf/scenarios"))) {
                return dir.resolve("conf/scenarios").resolve(name);
            }
        }
        throw new AssertionError("no conf/scenarios above " + Paths.get("").toAbsolutePath());
    }
}
