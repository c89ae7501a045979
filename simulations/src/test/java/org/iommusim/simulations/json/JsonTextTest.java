package org.iommusim.simulations.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** JSON string quoting: plain text copied as is, each character that needs it escaped wherever it stands. */
class JsonTextTest {
    private static String quoted(String s) {
        StringBuilder out = new StringBuilder("x");
        JsonText.quote(out, s);
        return out.toString();
    }

    @Test
    void escapesWhatJsonRequiresAndCopiesTheRest() {
        assertEquals("x\"\"", quoted(""));
        assertEquals("x\"TLBI_NH_VA vmid=0 asid=1 0x1000\"", quoted("TLBI_NH_VA vmid=0 asid=1 0x1000"));
        assertEquals("x\"\\\"a\\\"\"", quoted("\"a\""), "a quote first");
        assertEquals("x\"ab\\\\\"", quoted("ab\\"), "a backslash last");
        assertEquals("x\"a\\nb\\tc\\rd\\be\\ff\"", quoted("a\nb\tc\rd\be\ff"));
        assertEquals("x\"\\u0001z\\u001f\"", quoted("\u0001z\u001f"));
        assertEquals("x\"caf\u00e9 \u2192 ok\"", quoted("caf\u00e9 \u2192 ok"), "non-ASCII as is");
    }
}
