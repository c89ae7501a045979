package org.iommusim.simulations.cli;

import java.nio.file.Path;
import org.iommusim.simulations.engine.RunFolder;

/**
 * Run in a child JVM: claims a run folder as a running simulation does (its
 * lock file locked) and holds it until stdin closes.
 */
public final class RunFolderHolder {
    public static void main(String[] args) throws Exception {
        try (RunFolder held = RunFolder.claim(Path.of(args[0]), false)) {
            System.out.println("holding " + held.dir());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
