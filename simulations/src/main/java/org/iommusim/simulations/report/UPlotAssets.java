package org.iommusim.simulations.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * uPlot's script and stylesheet, read from its WebJar on the class path
 * ({@code org.webjars.npm:uplot}), to be inlined into a page: a report opens
 * from a CI artefact or an offline machine, so nothing may come from the
 * network.
 */
final class UPlotAssets {
    private static final String POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    /** The version the WebJar on the class path carries. */
    static final String VERSION = version();
    static final String SCRIPT = read("dist/uPlot.iife.min.js");
    static final String CSS = read("dist/uPlot.min.css");
    /** uPlot's MIT licence, which goes with every copy: the page carries it in a comment. */
    static final String LICENSE = read("LICENSE").replace("*/", "* /");

    private UPlotAssets() {}

    private static String version() {
        try (InputStream in = UPlotAssets.class.getClassLoader().getResourceAsStream(POM)) {
            if (in == null) {
                throw new IllegalStateException("uPlot's WebJar (org.webjars.npm:uplot) is not on the class path: "
                        + "no " + POM);
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + POM, e);
        }
    }

    private static String read(String file) {
        String path = "META-INF/resources/webjars/uplot/" + VERSION + "/" + file;
        try (InputStream in = UPlotAssets.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("uPlot's WebJar has no " + path);
            }
            // a script element ends at the first "</script", wherever it is
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
