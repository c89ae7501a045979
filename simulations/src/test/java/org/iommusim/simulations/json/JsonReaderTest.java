package org.iommusim.simulations.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What reads as JSON here is what RFC 8259 allows, and what JsonText writes reads back as it was. */
class JsonReaderTest {
    @Test
    void readsValuesWithKeysInOrder() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("z", new BigDecimal("-1.5e3"));
        expected.put("a", Arrays.asList(Boolean.TRUE, Boolean.FALSE, null, "x\u00e9\n"));
        expected.put("m", Map.of());
        assertEquals(expected, JsonReader.parse(" {\"z\": -1.5e3, \"a\": [true,false,null,\"x\\u00e9\\n\"],\r\n\t\"m\":{}} "));
        assertEquals(List.of("z", "a", "m"), List.copyOf(((Map<?, ?>) JsonReader.parse(
                "{\"z\":1,\"a\":2,\"m\":3}")).keySet()), "keys in the text's order");
        assertEquals(BigDecimal.ZERO, JsonReader.parse("0"));
    }

    @Test
    void readsBackWhatJsonTextQuotes() {
        String awkward = "\"quoted\" \\ back\u0001 tab\t caf\u00e9 \u2192";
        StringBuilder out = new StringBuilder();
        JsonText.quote(out, awkward);
        assertEquals(awkward, JsonReader.parse(out.toString()));
    }

    @Test
    void refusesWhatJsonDoesNotAllowNamingTheOffset() {
        String[][] bad = {
            {"{\"a\":1,\"a\":2}", "a second \"a\""},
            {"\"tab\there\"", "raw control character"},
            {"+1", "a value"},
            {"01", "a value"},
            {"1.", "a value"},
            {".5", "a value"},
            {"\"\\u12g4\"", "four hex digits"},
            {"\"\\u+123\"", "four hex digits"},
            {"[1,]", "a value"},
            {"{\"a\" 1}", "':'"},
            {"[1]\u00a0", "the end of the text"},
            {"\"open", "the end of a string"},
            {"", "a value"},
        };
        for (String[] c : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("offset"),
                    c[0] + " gave: " + e.getMessage());
        }
    }
}
