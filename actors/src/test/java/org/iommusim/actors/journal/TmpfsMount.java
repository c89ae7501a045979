package org.iommusim.actors.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A small tmpfs mounted for one test (root only); {@link #close} unmounts it. */
final class TmpfsMount implements AutoCloseable {
    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code mib} MiB on {@code dir}, or says why not (not root, no mount command, ...). */
    static Optional<TmpfsMount> tryMount(Path dir, int mib, StringBuilder whyNot) {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Optional.of(new TmpfsMount(dir));
            }
            whyNot.append("mount failed: ").append(out.strip());
        } catch (IOException e) {
            whyNot.append("cannot run mount: ").append(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            whyNot.append("interrupted");
        }
        return Optional.empty();
    }

    @Override
    public void close() throws Exception {
        Process p = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            // something still holds a file open: detach it so the mount never outlives the test
            new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("umount " + dir + " failed (" + out.strip() + "); detached it lazily");
        }
    }
}
