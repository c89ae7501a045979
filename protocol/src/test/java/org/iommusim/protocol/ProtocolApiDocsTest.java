package org.iommusim.protocol;

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
 * Every public type, constructor, method and field of the protocol module's
 * public packages ({@code org.iommusim.protocol.*}, sources read from disk, all
 * but the {@code internal} packages) has a Javadoc comment; so does every
 * member of a public interface (public without the keyword) and every enum
 * constant. An {@code @Override} inherits its comment. Javadoc's own lint
 * (maven-javadoc-plugin, doclint without "missing") checks what the comments
 * say. The rule is {@link JavadocCheck}'s, shared with the actors module's
 * {@code PublicApiDocsTest}, here over a tree instead of one package, because
 * the protocol types are part of the embedding API's signatures.
 */
class ProtocolApiDocsTest {
    private static final Path ROOT = Path.of("src/main/java/org/iommusim/protocol");
    /** The public packages' sources: every .java file under the root not inside an {@code internal} package. */
    static List<Path> publicSources() throws IOException {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("package-info.java"))
                    .filter(f -> !ROOT.relativize(f).toString().replace('\\', '/').matches("(.*/)?internal/.*"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void everyPublicDeclarationOfTheProtocolHasAComment() throws IOException {
        List<String> missing = new ArrayList<>();
        List<Path> files = publicSources();
        for (Path p : files) {
            String name = ROOT.relativize(p).toString().replace('\\', '/');
            missing.addAll(JavadocCheck.undocumented(name, Files.readAllLines(p)));
        }
        assertTrue(files.size() >= 100, "the protocol's sources were found: " + files.size());
        assertEquals(List.of(), missing, "public protocol declarations without Javadoc");
    }

    /** The walk leaves out the internal packages and nothing else. */
    @Test
    void internalPackagesAreLeftOutAndOnlyThey() throws IOException {
        List<Path> files = publicSources();
        assertTrue(files.stream().noneMatch(f -> f.toString().contains("/internal/")), "no internal source");
        assertTrue(files.contains(ROOT.resolve("translate/TranslationBurst.java")), "TranslationBurst is checked");
        assertTrue(files.contains(ROOT.resolve("domain/Prot.java")), "Prot is checked");
    }

    /** The check is not vacuous: undocumented methods, interface members and enum constants are found. */
    @Test
    void theCheckFindsAnUndocumentedDeclaration() {
        List<String> cls = List.of("/** A class. */", "public final class A {", "    /** Documented. */",
                "    @Deprecated", "    public int a() {", "    }", "    public int b() {", "    }",
                "    @Override", "    public String toString() {", "    }", "}");
        assertEquals(List.of("A.java:7: public int b() {"), JavadocCheck.undocumented("A.java", cls));
        List<String> itf = List.of("/** An interface. */", "public interface I {", "    /** Documented. */",
                "    void a(int x);", "    default void b(List<String> y) {}",
                "    private static int c(int x) {", "    }", "}");
        assertEquals(List.of("I.java:5: default void b(List<String> y) {}"),
                JavadocCheck.undocumented("I.java", itf), "a private interface method is not API");
        List<String> enm = List.of("/** An enum. */", "public enum E {", "    /** Documented. */", "    A(1),",
                "    B(2);", "", "    private static final int C = 3;", "    /** Documented. */",
                "    public int code() {", "    }", "}");
        assertEquals(List.of("E.java:5: B(2);"), JavadocCheck.undocumented("E.java", enm));
    }
}
