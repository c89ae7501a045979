package org.iommusim.simulations.report;

import java.util.Map;
import org.iommusim.simulations.json.JsonReader;

/**
 * report.json read as JSON in the tests, not only as text: objects become
 * ordered maps, numbers BigDecimal.
 */
final class MiniJson {
    private MiniJson() {}

    /** The value {@code text} holds, read strictly ({@link JsonReader}: duplicate keys and non-JSON numbers refused). */
    static Object parse(String text) {
        return JsonReader.parse(text);
    }

    /** Follows a dotted path of object keys: {@code at(root, "checker.violationCount")}. */
    @SuppressWarnings("unchecked")
    static Object at(Object root, String path) {
        Object v = root;
        for (String key : path.split("\\.")) {
            if (!(v instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new AssertionError("no key " + key + " on the way to " + path);
            }
            v = ((Map<String, Object>) m).get(key);
        }
        return v;
    }
}
