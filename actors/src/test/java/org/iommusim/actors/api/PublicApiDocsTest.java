package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.iommusim.protocol.testing.JavadocCheck;
import org.junit.jupiter.api.Test;

/**
 * Every public declaration of the embedding API ({@code org.iommusim.actors.api})
 * and of the iommufd-style host, read from their sources, has a Javadoc
 * comment, by the protocol's {@link JavadocCheck} rule (public types and
 * members, interface members, enum constants; an {@code @Override} inherits
 * its comment; the rule's own tests are in the protocol module).
 */
class PublicApiDocsTest {
    private static final Path API = Path.of("src/main/java/org/iommusim/actors/api");
    /** The iommufd-style host a VMM builds on. */
    private static final Path HOST = Path.of("src/main/java/org/iommusim/actors/iommufd");

    @Test
    void everyPublicDeclarationOfTheApiHasAComment() throws IOException {
        assertEquals(List.of(), undocumentedIn(API, 10), "public API declarations without Javadoc");
    }

    @Test
    void everyPublicDeclarationOfTheHostHasAComment() throws IOException {
        assertEquals(List.of(), undocumentedIn(HOST, 20), "public host declarations without Javadoc");
    }

    /** Every undocumented public declaration of the sources in {@code dir}, which holds at least {@code least}. */
    private static List<String> undocumentedIn(Path dir, int least) throws IOException {
        List<String> missing = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files++;
                missing.addAll(JavadocCheck.undocumented(p.getFileName().toString(), Files.readAllLines(p)));
            }
        }
        assertTrue(files >= least, "the sources of " + dir + " were found: " + files);
        return missing;
    }
}
