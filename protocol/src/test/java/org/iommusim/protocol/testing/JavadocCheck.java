package org.iommusim.protocol.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one rule behind the API's "Javadoc on every public declaration" tests
 * (the protocol's {@code ProtocolApiDocsTest}, the facade's and the host's
 * {@code PublicApiDocsTest}): a public type, constructor, method or field,
 * a member of a public interface (public without the keyword; a private one
 * is not API) and an enum constant each need a comment right above (annotations
 * between are fine); an {@code @Override} inherits its comment. A text check on
 * the sources: Javadoc's own lint (doclint without "missing") checks what the
 * comments say.
 */
public final class JavadocCheck {
    private static final Pattern PUBLIC = Pattern.compile("^\\s*public\\s.*");
    /** A member of an interface body, one indent in: a method, a nested type or a constant. */
    private static final Pattern INTERFACE_MEMBER = Pattern.compile(
            "^ {4}(default |static )?[A-Za-z][\\w<>\\[\\], ?.]*\\s+\\w+\\s*(\\(.*|=.*)$");
    /** An enum constant of a top-level enum, one indent in: NAME, NAME(args) or NAME {. */
    private static final Pattern ENUM_CONSTANT = Pattern.compile("^ {4}[A-Z][A-Z0-9_]*\\s*(\\(.*|\\{.*)?[,;]?\\s*$");

    private JavadocCheck() {}

    /** The public declarations of {@code source} (file {@code name}) with no comment right above, as name:line: text. */
    public static List<String> undocumented(String name, List<String> source) {
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
}
