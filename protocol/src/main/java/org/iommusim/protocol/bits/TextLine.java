package org.iommusim.protocol.bits;

/**
 * Builds the one-line text form shared by commands, events and faults:
 * the hardware name, then {@code name=value} fields, hex for IDs and
 * addresses, decimal for counts and flags. Not thread-safe: a line is built
 * by one thread and then read with {@link #toString()}.
 */
public final class TextLine {
    private final StringBuilder sb;

    private TextLine(String name) {
        this.sb = new StringBuilder(64).append(name);
    }

    /**
     * A line starting with the hardware name.
     * @return a new builder
     */
    public static TextLine of(String name) {
        return new TextLine(name);
    }

    /**
     * Appends {@code field=0x...} (value as unsigned hex).
     * @return this builder
     */
    public TextLine hex(String field, long value) {
        sb.append(' ').append(field).append("=0x").append(Long.toHexString(value));
        return this;
    }

    /**
     * Appends {@code field=value} in decimal.
     * @return this builder
     */
    public TextLine dec(String field, long value) {
        sb.append(' ').append(field).append('=').append(value);
        return this;
    }

    /**
     * Appends {@code field=1} or {@code field=0}.
     * @return this builder
     */
    public TextLine flag(String field, boolean value) {
        sb.append(' ').append(field).append('=').append(value ? 1 : 0);
        return this;
    }

    /**
     * Appends {@code field=value} as given, unquoted (the value must hold no blank).
     * @return this builder
     */
    public TextLine word(String field, String value) {
        sb.append(' ').append(field).append('=').append(value);
        return this;
    }

    /** A free-text value, quoted so the line stays machine-splittable. */
    public TextLine quoted(String field, String value) {
        sb.append(' ').append(field).append("=\"").append(value.replace("\"", "'")).append('"');
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
