package org.iommusim.simulations.report;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value kept in insertion order, so a report always prints the same
 * bytes. Scalars hold their final literal text: numbers are formatted once,
 * here, without any locale.
 */
sealed interface Json permits Json.Scalar, Json.Arr, Json.Obj {

    /** A string, number, boolean or null, as its JSON literal. */
    record Scalar(String literal) implements Json {}

    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }
    }

    /** An object whose fields print in the order they were put. */
    final class Obj implements Json {
        private final Map<String, Json> fields = new LinkedHashMap<>();

        Obj put(String name, Json value) {
            if (fields.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("duplicate JSON field " + name);
            }
            return this;
        }

        Obj string(String name, String value) {
            return put(name, Json.string(value));
        }

        Obj number(String name, long value) {
            return put(name, Json.number(value));
        }

        Obj number(String name, double value) {
            return put(name, Json.number(value));
        }

        Map<String, Json> fields() {
            return Collections.unmodifiableMap(fields);
        }
    }

    Scalar NULL = new Scalar("null");

    static Scalar string(String s) {
        if (s == null) {
            return NULL;
        }
        StringBuilder out = new StringBuilder(s.length() + 2);
        org.iommusim.simulations.json.JsonText.quote(out, s);
        return new Scalar(out.toString());
    }

    static Scalar number(long value) {
        return new Scalar(Long.toString(value));
    }

    /**
     * The shortest decimal that reads back as the same double, never in
     * exponent form and always with a fraction part, so a double field looks
     * like one even when whole. NaN and infinities have no JSON form: null.
     */
    static Scalar number(double value) {
        if (!Double.isFinite(value)) {
            return NULL;
        }
        String plain = BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        return new Scalar(plain.indexOf('.') < 0 ? plain + ".0" : plain);
    }

    /** An address as {@code 0x...}: JSON numbers lose precision above 2^53. */
    static Scalar hex(long value) {
        return string("0x" + Long.toHexString(value));
    }

    static Arr array(List<? extends Json> items) {
        return new Arr(List.copyOf(items));
    }
}
