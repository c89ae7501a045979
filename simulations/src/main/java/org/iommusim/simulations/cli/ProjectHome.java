package org.iommusim.simulations.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The project folder: set by the launcher ({@code iommusim.home}), else the nearest folder up that has conf/scenarios. */
final class ProjectHome {
    private ProjectHome() {}

    static Path find() {
        String h = System.getProperty("iommusim.home");
        if (h != null) {
            return Paths.get(h);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("conf/scenarios"))) {
                return dir;
            }
        }
        return Paths.get("");
    }
}
