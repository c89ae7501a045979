package org.iommusim.protocol.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The examples in {@link Prot#parse}'s Javadoc mean what it says (review finding 12: one was refused). */
class ProtParseTest {
    @Test
    void theDocumentedLetterExamplesParse() {
        assertEquals(Prot.READ | Prot.WRITE, Prot.parse("RW").bits());
        assertEquals(Prot.READ | Prot.NOEXEC | Prot.PRIV, Prot.parse("RNP").bits());
        assertEquals(Prot.READ, Prot.parse("R-X").bits());
        assertEquals(0, Prot.parse("-").bits());
    }

    @Test
    void theDocumentedWordExamplesParse() {
        assertEquals(Prot.READ | Prot.NOEXEC | Prot.PRIV, Prot.parse("READ|NOEXEC|PRIV").bits());
        assertEquals(Prot.READ | Prot.WRITE | Prot.CACHE, Prot.parse("read,write,cache").bits());
        assertEquals(Prot.READ | Prot.OLD, Prot.parse("READ + OLD").bits());
    }

    @Test
    void theFormsDoNotMixAndTheRefusalNamesTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prot.parse("R|NOEXEC|PRIV"));
        assertTrue(e.getMessage().contains("'R'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prot.parse("NONE"));
    }
}
