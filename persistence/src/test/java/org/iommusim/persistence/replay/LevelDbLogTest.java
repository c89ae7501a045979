package org.iommusim.persistence.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log LevelDB wrote (one write batch per put), read whole, cut, torn, flipped and zeroed. */
class LevelDbLogTest {
    private static final int PUTS = 2_000;
    private static byte[] log;

    @BeforeAll
    static void write(@TempDir Path dir) throws IOException {
        DB db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true));
        Random r = new Random(7);
        for (int i = 0; i < PUTS; i++) {
            byte[] value = new byte[100 + r.nextInt(200)];
            r.nextBytes(value);
            db.put(String.format("k%06d", i).getBytes(), value);
        }
        db.close();
        try (Stream<Path> files = Files.list(dir)) {
            log = Files.readAllBytes(files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow());
        }
        assertTrue(log.length > 8 * LevelDbLog.BLOCK, "a log of many blocks: " + log.length);
    }

    @Test
    void aWholeLogReadsEveryBatch() {
        LevelDbLog l = LevelDbLog.read(log);
        assertEquals(PUTS, l.records().size());
        assertNull(l.tail());
        assertNull(l.damage());
        assertEquals(log.length, l.end());
        assertEquals("k001999", new String(WriteBatchKeys.of(l.records().get(PUTS - 1).data()).get(0)));
    }

    @Test
    void aCutAnywhereIsACrashTailAndTheRecordsBeforeItAreAPrefix() {
        for (int cut = log.length - 1; cut > log.length - 3 * LevelDbLog.BLOCK; cut -= 997) {
            LevelDbLog l = LevelDbLog.read(Arrays.copyOf(log, cut));
            assertNull(l.damage(), "cut at " + cut);
            assertTrue(l.records().size() < PUTS, "cut at " + cut);
            assertTrue(l.tail() == null || l.tail().contains("cut short"), l.tail());
            for (int i = 0; i < l.records().size(); i++) {
                assertEquals(String.format("k%06d", i), new String(WriteBatchKeys.of(l.records().get(i).data()).get(0)));
            }
        }
    }

    @Test
    void zerosAfterTheLastRecordLoseNothingAndATornLastRecordIsATail() {
        LevelDbLog zeros = LevelDbLog.read(Arrays.copyOf(log, log.length + 100_000));
        assertEquals(PUTS, zeros.records().size());
        assertTrue(zeros.endsInZerosOnly(), zeros.tail());

        LevelDbLog whole = LevelDbLog.read(log);
        int lastStart = (int) whole.records().get(PUTS - 1).offset();
        byte[] torn = Arrays.copyOf(log, log.length + 50_000);
        Arrays.fill(torn, log.length - 20, log.length, (byte) 0); // the last page of the last record never written
        LevelDbLog t = LevelDbLog.read(torn);
        assertNull(t.damage());
        assertEquals(PUTS - 1, t.records().size());
        assertEquals(lastStart, t.end());
        assertTrue(t.tail().contains("torn"), t.tail());
    }

    @Test
    void aFlippedByteOrAZeroedBlockInsideIsDamageWithWhereLevelDbGoesOn() {
        byte[] flipped = log.clone();
        flipped[log.length / 2] ^= 0x01;
        LevelDbLog f = LevelDbLog.read(flipped);
        assertNotNull(f.damage());
        assertTrue(f.damage().reason().startsWith("checksum mismatch"), f.damage().reason());
        assertTrue(f.damage().resumesAt() > f.damage().offset(), f.damage().toString());

        byte[] zeroed = log.clone();
        Arrays.fill(zeroed, 3 * LevelDbLog.BLOCK, 4 * LevelDbLog.BLOCK, (byte) 0);
        LevelDbLog z = LevelDbLog.read(zeroed);
        assertNotNull(z.damage());
        assertTrue(z.damage().reason().contains("zeros") || z.damage().reason().contains("checksum"),
                z.damage().reason());

        byte[] lastFlipped = log.clone();
        lastFlipped[log.length - 5] ^= 0x10; // inside the last record: a flip, not a tear (no zeros after it)
        assertNotNull(LevelDbLog.read(lastFlipped).damage());
    }
}
