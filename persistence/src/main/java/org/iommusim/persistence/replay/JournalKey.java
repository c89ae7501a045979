package org.iommusim.persistence.replay;

import java.nio.ByteBuffer;

/**
 * A key of Pekko's LevelDB journal ({@code org.apache.pekko.persistence.journal.leveldb.Key}):
 * big-endian (numeric persistence id: int, sequence number: long, mapping id: int).
 * Pekko allocates 20 bytes and fills the first 16, so stored keys are 20 bytes
 * ending in four zeros; only the first 16 carry meaning.
 *
 * <ul>
 *   <li>{@code (nid, seq >= 1, 0)}: an event of the persistence id mapped to {@code nid}</li>
 *   <li>{@code (nid, 0, 0)}: the highest sequence number ever written for {@code nid} (8 bytes)</li>
 *   <li>{@code (nid, seq, 1)}: a deletion mark left by journals from Akka 2.3</li>
 *   <li>{@code (1, 0, nid)}: the persistence id (UTF-8) that {@code nid} stands for; numbers start at 10</li>
 * </ul>
 */
public record JournalKey(int persistenceNid, long sequenceNr, int mappingId) {
    /** The reserved numeric id under which id mappings live. */
    public static final int MAPPING_NID = 1;
    /** The first numeric id Pekko hands out ({@code LeveldbIdMapping.idOffset}). */
    public static final int FIRST_NID = 10;
    /** Persistence ids Pekko makes up for tags; never real entities. */
    public static final String TAG_PREFIX = "$$$";

    private static final int STORED_LENGTH = 20;
    private static final int MEANINGFUL_LENGTH = 16;

    public static JournalKey decode(byte[] bytes) {
        if (bytes.length < MEANINGFUL_LENGTH) {
            throw new JournalReadException("not a Pekko journal key: " + bytes.length + " bytes");
        }
        return new JournalKey(nid(bytes), sequenceNr(bytes), (int) bigEndian(bytes, 12, 4));
    }

    /** The numeric persistence id of a stored key, read in place: the scan loops call this per record. */
    static int nid(byte[] key) {
        return (int) bigEndian(key, 0, 4);
    }

    static long sequenceNr(byte[] key) {
        return bigEndian(key, 4, 8);
    }

    static boolean isEventKey(byte[] key) {
        return nid(key) != MAPPING_NID && sequenceNr(key) > 0 && bigEndian(key, 12, 4) == 0;
    }

    static boolean isDeletionMarkKey(byte[] key) {
        return nid(key) != MAPPING_NID && bigEndian(key, 12, 4) == 1;
    }

    private static long bigEndian(byte[] b, int from, int length) {
        long v = 0;
        for (int i = from; i < from + length; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(STORED_LENGTH).putInt(persistenceNid).putLong(sequenceNr).putInt(mappingId).array();
    }

    public static JournalKey event(int nid, long sequenceNr) {
        return new JournalKey(nid, sequenceNr, 0);
    }

    public static JournalKey counter(int nid) {
        return new JournalKey(nid, 0, 0);
    }

    public static JournalKey mapping(int nid) {
        return new JournalKey(MAPPING_NID, 0, nid);
    }

    public boolean isMapping() {
        return persistenceNid == MAPPING_NID;
    }

    public boolean isCounter() {
        return !isMapping() && sequenceNr == 0 && mappingId == 0;
    }

    public boolean isDeletionMark() {
        return !isMapping() && mappingId == 1;
    }

    public boolean isEvent() {
        return !isMapping() && sequenceNr > 0 && mappingId == 0;
    }
}
