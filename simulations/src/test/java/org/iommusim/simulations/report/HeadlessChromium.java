package org.iommusim.simulations.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium run headless on a local file, as this machine allows it:
 * no sandbox (tests run as root), no background networking (the network is
 * closed and Chromium would retry its services at every start), and a fresh
 * profile per run so runs never share state.
 */
final class HeadlessChromium {
    static final int WIDTH = 1280;
    static final int HEIGHT = 2400;
    private static final long TIMEOUT_SECONDS = 120;

    private final Path binary;
    private final Path work;
    /** The console messages Chromium logged in its last run (its CONSOLE lines on stderr). */
    private List<String> console = List.of();

    private HeadlessChromium(Path binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /**
     * Finds {@code chromium} on the PATH or at /usr/bin/chromium. When absent
     * and the tests run as root with Debian's apt (as on every machine of this
     * project), installs Debian's package once, as {@code .ci/run} does, so the
     * README's test command works on a fresh machine; otherwise fails the test,
     * never skips it.
     */
    static synchronized HeadlessChromium find(Path work) {
        HeadlessChromium found = locate(work);
        if (found == null && !installTried) {
            installTried = true;
            installWithApt();
            found = locate(work);
        }
        if (found != null) {
            return found;
        }
        return fail("Chromium is not installed, and report.html must be proven to render in a real browser. "
                + "Run `bash .ci/run` (it installs it) or `apt-get install chromium` (Debian's package), then re-run.");
    }

    private static boolean installTried;

    private static void installWithApt() {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return;
        }
        try {
            Process p = new ProcessBuilder("sh", "-c",
                    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // fall through to the clear failure in find()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HeadlessChromium locate(Path work) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "chromium"));
            }
        }
        candidates.add(Path.of("/usr/bin/chromium"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return new HeadlessChromium(p, work);
            }
        }
        return null;
    }

    /** The DOM after the page's load handlers ran. */
    String dumpDom(Path page) throws IOException, InterruptedException {
        return run("dom", List.of("--dump-dom", page.toUri().toString()));
    }

    /** A PNG of the top WIDTH x HEIGHT of the page. */
    Path screenshot(Path page) throws IOException, InterruptedException {
        Path png = Files.createTempFile(work, "screenshot-", ".png");
        run("screenshot", List.of("--screenshot=" + png, page.toUri().toString()));
        return png;
    }

    private String run(String what, List<String> extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "profile-");
        Path out = work.resolve(what + "-" + profile.getFileName() + ".out");
        Path err = work.resolve(what + "-" + profile.getFileName() + ".err");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT,
                "--hide-scrollbars", "--force-device-scale-factor=1", "--enable-logging=stderr", "--v=0"));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium " + what + " did not finish in " + TIMEOUT_SECONDS + " s: " + cmd + "\n" + tail(err));
        }
        if (p.exitValue() != 0) {
            fail("chromium " + what + " exited " + p.exitValue() + ": " + cmd + "\n" + tail(err));
        }
        console = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> l.contains(":CONSOLE"))
                .toList();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** What the page wrote to the console in the last run (any message: the pages write none). */
    List<String> console() {
        return console;
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
