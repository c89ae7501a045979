package org.iommusim.simulations.scenario;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a constructor's refusal ({@code DomainSpec}, {@code SmmuCapabilities}) into a scenario problem. Their
 * messages start with the offending field ({@code "ias=60 is outside 25..52 bits"}); when the file sets that
 * field the problem points at its line, otherwise at the whole entry. The constructors stay the only place
 * those rules live.
 */
final class Refusals {
    private static final Pattern FIELD = Pattern.compile("^([a-zA-Z]+)=");
    /** Fields whose scenario key is not simply the field name in kebab case. */
    private static final Map<String, String> RENAMED = Map.of("cmdqs", "cmdq-entries", "eventqs", "evtq-entries");

    private Refusals() {}

    static void report(ConfNode n, IllegalArgumentException refusal) {
        String message = refusal.getMessage();
        Matcher m = FIELD.matcher(message);
        String key = m.find() ? keyOf(m.group(1)) : null;
        if (key != null && n.contains(key)) {
            n.problem(key, message);
        } else {
            n.problems().add(n.where(), message);
        }
    }

    private static String keyOf(String field) {
        return RENAMED.getOrDefault(field, field.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
    }
}
