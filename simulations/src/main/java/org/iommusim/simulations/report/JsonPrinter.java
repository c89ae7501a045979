package org.iommusim.simulations.report;

import java.util.Iterator;
import java.util.Map;

/**
 * Prints a {@link Json} tree with two-space indents. Arrays of scalars and
 * array items that are flat objects go on one line each: a time series of a
 * few hundred points then reads as a few hundred lines, not two thousand.
 */
final class JsonPrinter {
    private static final String INDENT = "  ";

    private JsonPrinter() {}

    static String print(Json value) {
        StringBuilder sb = new StringBuilder(4096);
        write(sb, value, 0, false);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Json value, int depth, boolean arrayItem) {
        if (value instanceof Json.Scalar s) {
            sb.append(s.literal());
        } else if (value instanceof Json.Arr a) {
            writeArray(sb, a, depth);
        } else {
            writeObject(sb, (Json.Obj) value, depth, arrayItem);
        }
    }

    private static void writeArray(StringBuilder sb, Json.Arr a, int depth) {
        if (a.items().isEmpty()) {
            sb.append("[]");
            return;
        }
        if (a.items().stream().allMatch(Json.Scalar.class::isInstance)) {
            sb.append('[');
            for (int i = 0; i < a.items().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(((Json.Scalar) a.items().get(i)).literal());
            }
            sb.append(']');
            return;
        }
        sb.append("[\n");
        for (int i = 0; i < a.items().size(); i++) {
            indent(sb, depth + 1);
            write(sb, a.items().get(i), depth + 1, true);
            sb.append(i + 1 < a.items().size() ? ",\n" : "\n");
        }
        indent(sb, depth);
        sb.append(']');
    }

    private static void writeObject(StringBuilder sb, Json.Obj o, int depth, boolean arrayItem) {
        if (o.fields().isEmpty()) {
            sb.append("{}");
            return;
        }
        boolean flat = o.fields().values().stream().allMatch(Json.Scalar.class::isInstance);
        if (arrayItem && flat) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Json> f : o.fields().entrySet()) {
                sb.append(first ? "" : ", ").append(Json.string(f.getKey()).literal()).append(": ")
                        .append(((Json.Scalar) f.getValue()).literal());
                first = false;
            }
            sb.append('}');
            return;
        }
        sb.append("{\n");
        Iterator<Map.Entry<String, Json>> it = o.fields().entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Json> f = it.next();
            indent(sb, depth + 1);
            sb.append(Json.string(f.getKey()).literal()).append(": ");
            write(sb, f.getValue(), depth + 1, false);
            sb.append(it.hasNext() ? ",\n" : "\n");
        }
        indent(sb, depth);
        sb.append('}');
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append(INDENT.repeat(depth));
    }
}
