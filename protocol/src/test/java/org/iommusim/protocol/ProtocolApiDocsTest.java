package org.iommusim.protocol;

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
 * Every public type, constructor, method and field of the protocol module's
 * public packages ({@code org.iommusim.protocol.*}, sources read from disk, all
 * but the {@code internal} packages) has a Javadoc comment; so does every
 * member of a public interface (public without the keyword) and every enum
 * constant. An {@code @Override} inherits its comment. Javadoc's own lint
 * (maven-javadoc-plugin, doclint without "missing") checks what the comments
 * say. Same rule as the actors module's {@code PublicApiDocsTest}, over a tree
 * instead of one package, because the protocol types are part of the
 * embedding API's signatures.
 */
class ProtocolApiDocsTest {
    private static final Path ROOT = Path.of("src/main/java/org/iommusim/protocol");
    private static final Pattern PUBLIC = Pattern.compile("^\\s*public\\s.*");
    /** A member of an interface body, one indent in: a method, a nested type or a constant. */
    private static final Pattern INTERFACE_MEMBER = Pattern.compile(
            "^ {4}(default |static )?[A-Za-z][\\w<>\\[\\], ?.]*\\s+\\w+\\s*(\\(.*|=.*)$");
    /** An enum constant of a top-level enum, one indent in: NAME, NAME(args) or NAME {. */
    private static final Pattern ENUM_CONSTANT = Pattern.compile("^ {4}[A-Z][A-Z0-9_]*\\s*(\\(.*|\\{.*)?[,;]?\\s*$");

    /** The public declarations of {@code source} with no comment right above (annotations between are fine). */
    static List<String> undocumented(String name, List<String> source) {
        boolean isInterface = source.stream().anyMatch(l -> l.matches("^public (sealed )?interface .*"));
        boolean isEnum = source.stream().anyMatch(l -> l.matches("^public enum .*"));
        List<String> out = new ArrayList<>();
        boolean inEnumConstants = false;
        for (int i = 0; i < source.size(); i++) {
            String line = source.get(i);
            if (isEnum && line.matches("^public enum .*")) {
                inEnumConstants = true;
                continue;
            }
            boolean constant = inEnumConstants && ENUM_CONSTANT.matcher(line).matches();
            if (inEnumConstants && line.matches("^ {4}\\S.*;\\s*$") && !line.trim().startsWith("*")
                    && !line.trim().startsWith("/")) {
                inEnumConstants = false; // the constant list ends at the first ';' one indent in
            }
            boolean declaration = constant
                    || PUBLIC.matcher(line).matches()
                    || (isInterface && INTERFACE_MEMBER.matcher(line).matches() && !line.contains(" return "));
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
            missing.addAll(undocumented(name, Files.readAllLines(p)));
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
        assertEquals(List.of("A.java:7: public int b() {"), undocumented("A.java", cls));
        List<String> itf = List.of("/** An interface. */", "public interface I {", "    /** Documented. */",
                "    void a(int x);", "    default void b(List<String> y) {}", "}");
        assertEquals(List.of("I.java:5: default void b(List<String> y) {}"), undocumented("I.java", itf));
        List<String> enm = List.of("/** An enum. */", "public enum E {", "    /** Documented. */", "    A(1),",
                "    B(2);", "", "    private static final int C = 3;", "    /** Documented. */",
                "    public int code() {", "    }", "}");
        assertEquals(List.of("E.java:5: B(2);"), undocumented("E.java", enm));
    }
}
