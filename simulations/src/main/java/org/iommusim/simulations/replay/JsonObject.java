package org.iommusim.simulations.replay;

import java.util.List;

/**
 * A one-line JSON object written field by field, in the order given, so the
 * same event always gives the same bytes. Addresses go in as hex strings
 * ({@link #hex}): JSON numbers lose precision above 2^53.
 */
public final class JsonObject {
    private final StringBuilder sb = new StringBuilder(256).append('{'); // most events' JSON fits: no regrowth
    private boolean first = true;

    public JsonObject string(String name, String value) {
        name(name);
        quote(sb, value);
        return this;
    }

    public JsonObject number(String name, long value) {
        name(name);
        sb.append(value);
        return this;
    }

    public JsonObject hex(String name, long value) {
        return string(name, "0x" + Long.toHexString(value));
    }

    public JsonObject bool(String name, boolean value) {
        name(name);
        sb.append(value);
        return this;
    }

    /** A 64-bit word as exactly 16 hex digits, as {@code decode --raw} shows it. */
    public JsonObject word(String name, long value) {
        return string(name, org.iommusim.protocol.bits.Hex.word(value));
    }

    public JsonObject object(String name, JsonObject value) {
        name(name);
        sb.append(value);
        return this;
    }

    public JsonObject array(String name, List<JsonObject> values) {
        name(name);
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(values.get(i));
        }
        sb.append(']');
        return this;
    }

    private void name(String name) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        quote(sb, name);
        sb.append(':');
    }

    static void quote(StringBuilder out, String s) {
        org.iommusim.simulations.json.JsonText.quote(out, s);
    }

    @Override
    public String toString() {
        return sb + "}";
    }
}
