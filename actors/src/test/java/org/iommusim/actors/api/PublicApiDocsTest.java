package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type, constructor, method and field of the embedding API
 * ({@code org.iommusim.actors.api}, read from its sources) has a Javadoc
 * comment; so does every member of a public interface (public without the
 * keyword). An {@code @Override} inherits its comment. Javadoc's own lint
 * (maven-javadoc-plugin, doclint without "missing") checks what the comments
 * say.
 */
class PublicApiDocsTest {
    private static final Path API = Path.of("src/main/java/org/iommusim/actors/api");
    /** The iommufd-style host a VMM builds on. */
    private static final Path HOST = Path.of("src/main/java/org/iommusim/actors/iommufd");
    private static final Pattern PUBLIC = Pattern.compile("^\\s*public\\s.*");
    /** A member of an interface body, one indent in: a method or a constant. */
    private static final Pattern INTERFACE_MEMBER = Pattern.compile(
            "^ {4}(default |static )?[A-Za-z][\\w<>\\[\\], ?.]*\\s+\\w+\\s*(\\(.*|=.*)$");

    /** The public declarations of {@code source} with no comment right above (annotations between are fine). */
    static List<String> undocumented(String name, List<String> source) {
        boolean isInterface = source.stream().anyMatch(l -> l.matches("^public (sealed )?interface .*"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            String line = source.get(i);
            boolean declaration = PUBLIC.matcher(line).matches()
                    || (isInterface && INTERFACE_MEMBER.matcher(line).matches() && !line.contains(" return ")
                            && !line.trim().startsWith("private "));
            if (!declaration) {
                continue;
            }
            int j = i - 1;
            boolean override = false;
            while (j >= 0 && source.get(j).trim().startsWith("@")) {
                override |= source.get(j).trim().equals("@Override");
                j--;
            }
            if (!override && (j < 0 || !source.get(j).trim().endsWith("*/"))) {
                out.add(name + ":" + (i + 1) + ": " + line.trim());
            }
        }
        return out;
    }

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
                missing.addAll(undocumented(p.getFileName().toString(), Files.readAllLines(p)));
            }
        }
        assertTrue(files >= least, "the sources of " + dir + " were found: " + files);
        return missing;
    }

    /** The check is not vacuous: an undocumented public method and interface member are found, documented ones not. */
    @Test
    void theCheckFindsAnUndocumentedDeclaration() {
        List<String> cls = List.of("/** A class. */", "public final class A {", "    /** Documented. */",
                "    @Deprecated", "    public int a() {", "    }", "    public int b() {", "    }",
                "    @Override", "    public String toString() {", "    }", "}");
        assertEquals(List.of("A.java:7: public int b() {"), undocumented("A.java", cls));
        List<String> itf = List.of("/** An interface. */", "public interface I {", "    /** Documented. */",
                "    void a(int x);", "    default void b(List<String> y) {}",
                "    private static int c(int x) {", "    }", "}");
        assertEquals(List.of("I.java:5: default void b(List<String> y) {}"), undocumented("I.java", itf));
    }
}
