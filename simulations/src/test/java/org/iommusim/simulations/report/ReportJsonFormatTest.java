package org.iommusim.simulations.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The number and string literals report.json is made of, and the printer's layout rules. */
class ReportJsonFormatTest {

    @Test
    void doublesPrintAsShortPlainDecimalsWithAFraction() {
        assertEquals("0.1", Json.number(0.1).literal());
        assertEquals("2.0", Json.number(2.0).literal());
        assertEquals("100.0", Json.number(100.0).literal());
        assertEquals("0.0000001", Json.number(1e-7).literal());
        assertEquals("10000000.0", Json.number(1.0E7).literal());
        assertEquals("0.0", Json.number(-0.0).literal());
        assertEquals("-2.5", Json.number(-2.5).literal());
        assertEquals("null", Json.number(Double.NaN).literal());
        assertEquals("null", Json.number(Double.POSITIVE_INFINITY).literal());
    }

    @Test
    void stringsAreEscapedPerRfc8259() {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\u0001µ\"", Json.string("a\"b\\c\n\t\u0001µ").literal());
        assertEquals("null", Json.string(null).literal());
        assertEquals("\"0xffffffffffffffff\"", Json.hex(-1).literal());
    }

    @Test
    void flatArrayItemsShareALineAndNestedObjectsIndent() {
        Json.Obj o = new Json.Obj()
                .put("inner", new Json.Obj().number("a", 1))
                .put("points", Json.array(List.of(new Json.Obj().number("t", 0).number("v", 0.5))))
                .put("tags", Json.array(List.of(Json.string("x"), Json.string("y"))))
                .put("none", Json.array(List.of()));
        assertEquals("""
                {
                  "inner": {
                    "a": 1
                  },
                  "points": [
                    {"t": 0, "v": 0.5}
                  ],
                  "tags": ["x", "y"],
                  "none": []
                }
                """, JsonPrinter.print(o));
    }
}
