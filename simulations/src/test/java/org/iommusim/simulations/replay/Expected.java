package org.iommusim.simulations.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The hand-written expected outputs under {@code replay/} on the test classpath. */
final class Expected {
    private Expected() {}

    static String text(String name) {
        try (InputStream in = Expected.class.getResourceAsStream("/replay/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no expected file replay/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
