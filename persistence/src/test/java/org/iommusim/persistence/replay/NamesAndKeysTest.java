package org.iommusim.persistence.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pekko's key layout, snapshot file names, and the listing order. */
class NamesAndKeysTest {

    /** Bytes as a real journal stores them: 16 meaningful bytes, then 4 zero bytes Pekko allocates but never fills. */
    @Test
    void keysAreTwentyBytesBigEndian() {
        byte[] stored = {0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0};
        JournalKey k = JournalKey.decode(stored);
        assertEquals(JournalKey.event(11, 6), k);
        assertTrue(k.isEvent());
        assertArrayEquals(stored, k.encode());
        assertTrue(JournalKey.decode(JournalKey.mapping(10).encode()).isMapping());
        assertTrue(JournalKey.decode(JournalKey.counter(10).encode()).isCounter());
        assertTrue(new JournalKey(10, 3, 1).isDeletionMark());
    }

    @Test
    void snapshotNamesParseAsPekkoParsesThem() {
        SnapshotInfo s = SnapshotFiles.parse(Path.of("snapshot-smmu-1%2Fsid-3-42-1795617467807"), 7).orElseThrow(
                () -> new AssertionError("not parsed"));
        assertEquals("smmu-1/sid-3", s.persistenceId());
        assertEquals(42, s.sequenceNr());
        assertEquals(1795617467807L, s.timestamp());
        assertTrue(SnapshotFiles.parse(Path.of("snapshot-domain-2-3-1795617467807tmp"), 7).isEmpty(), "being written");
        assertTrue(SnapshotFiles.parse(Path.of("notes.txt"), 7).isEmpty());
    }

    @Test
    void persistenceIdsSortWithNumbersAsNumbers() {
        List<String> ids = new ArrayList<>(List.of("smmu-1/sid-12", "domain-10", "domain-2", "smmu-1/sid-3", "domain-02",
                "domain-1"));
        ids.sort(PersistenceIdOrder.INSTANCE);
        assertEquals(List.of("domain-1", "domain-02", "domain-2", "domain-10", "smmu-1/sid-3", "smmu-1/sid-12"), ids);
    }
}
