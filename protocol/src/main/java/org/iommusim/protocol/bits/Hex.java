package org.iommusim.protocol.bits;

/** Parsing of the hex words users paste from logs and register dumps. */
public final class Hex {
    private Hex() {}

    /**
     * Parses an unsigned 64-bit hex word, with or without {@code 0x}, allowing
     * {@code _} or {@code '} separators. Throws with a message naming the text.
     */
    public static long parseWord(String text) {
        String t = text.strip().replace("_", "").replace("'", "");
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        if (t.isEmpty() || t.length() > 16) {
            throw new NumberFormatException("'" + text + "' is not a 64-bit hex word (1 to 16 hex digits)");
        }
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("'" + text + "' is not a 64-bit hex word");
        }
    }

    /**
     * The full-width text of a 64-bit word.
     * @return {@code 0x} and 16 lower-case hex digits
     */
    public static String word(long value) {
        return "0x" + DIGITS.toHexDigits(value); // not String.format: the journal's export renders a word per entry
    }

    private static final java.util.HexFormat DIGITS = java.util.HexFormat.of();
}
