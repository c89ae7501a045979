package org.iommusim.protocol.bits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A word's text is {@code 0x} and 16 lower-case digits (the export's digest depends on it) and parses back. */
class HexTest {
    @Test
    void aWordIsSixteenLowerCaseDigitsAndParsesBack() {
        assertEquals("0x0000000000000000", Hex.word(0));
        assertEquals("0xffffffffffffffff", Hex.word(-1));
        assertEquals("0x00000000deadbeef", Hex.word(0xDEAD_BEEFL));
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long v = r.nextLong();
            assertEquals(String.format("0x%016x", v), Hex.word(v));
            assertEquals(v, Hex.parseWord(Hex.word(v)));
        }
    }

    @Test
    void aWordThatIsNotOneIsRefusedNamingTheText() {
        NumberFormatException e = assertThrows(NumberFormatException.class, () -> Hex.parseWord("0x1_0000_0000_0000_0000"));
        assertEquals("'0x1_0000_0000_0000_0000' is not a 64-bit hex word (1 to 16 hex digits)", e.getMessage());
        assertEquals(0x1234L, Hex.parseWord(" 0X12'34 "));
    }
}
