package org.iommusim.persistence.replay;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * What a LevelDB {@code MANIFEST} says (a log of version edits, read with
 * {@link LevelDbLog}): the table files in use with their sizes and key
 * ranges, and the number of the oldest {@code .log} still to replay. Edit
 * tags, from LevelDB's {@code version_edit.cc}: 1 comparator, 2 log number,
 * 3 next file number, 4 last sequence, 5 compaction pointer, 6 deleted file,
 * 7 new file, 9 previous log number.
 *
 * @param logNumber     logs numbered below this (other than {@code prevLogNumber}) are obsolete
 * @param prevLogNumber an older log still to replay, 0 when none
 * @param tables        the live table files by number
 */
record LevelDbManifest(long logNumber, long prevLogNumber, TreeMap<Long, Table> tables) {

    /** A live table file: its level, its size, and its smallest and largest user keys. */
    record Table(int level, long number, long size, byte[] smallest, byte[] largest) {
        /** Whether user key {@code key} lies within this table's range. */
        boolean covers(byte[] key) {
            return Arrays.compareUnsigned(smallest, key) <= 0 && Arrays.compareUnsigned(key, largest) <= 0;
        }
    }

    /** The version described by {@code edits}, the records of a MANIFEST; throws IllegalArgumentException on a bad edit. */
    static LevelDbManifest of(List<LevelDbLog.Record> edits) {
        long logNumber = 0;
        long prevLogNumber = 0;
        boolean sawNextFile = false;
        TreeMap<Long, Table> tables = new TreeMap<>();
        for (LevelDbLog.Record r : edits) {
            Reader in = new Reader(r.data());
            while (in.more()) {
                int tag = (int) in.varint();
                switch (tag) {
                    case 1 -> in.slice();
                    case 2 -> logNumber = in.varint();
                    case 3 -> {
                        in.varint();
                        sawNextFile = true;
                    }
                    case 4 -> in.varint();
                    case 5 -> {
                        in.varint();
                        in.slice();
                    }
                    case 6 -> {
                        in.varint();
                        tables.remove(in.varint());
                    }
                    case 7 -> {
                        int level = (int) in.varint();
                        long number = in.varint();
                        long size = in.varint();
                        byte[] smallest = userKey(in.slice());
                        byte[] largest = userKey(in.slice());
                        tables.put(number, new Table(level, number, size, smallest, largest));
                    }
                    case 9 -> prevLogNumber = in.varint();
                    default -> throw new IllegalArgumentException("unknown edit tag " + tag);
                }
            }
        }
        if (!sawNextFile) {
            throw new IllegalArgumentException("no next-file entry: not a complete descriptor");
        }
        return new LevelDbManifest(logNumber, prevLogNumber, tables);
    }

    Collection<Table> liveTables() {
        return tables.values();
    }

    /** Whether log file number {@code number} still holds writes LevelDB replays on open. */
    boolean isLiveLog(long number) {
        return number >= logNumber || number == prevLogNumber;
    }

    /** An internal key is the user key followed by 8 bytes of sequence number and type. */
    private static byte[] userKey(byte[] internal) {
        if (internal.length < 8) {
            throw new IllegalArgumentException("an internal key of " + internal.length + " bytes");
        }
        return Arrays.copyOf(internal, internal.length - 8);
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return pos < b.length;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= b.length) {
                    throw new IllegalArgumentException("an edit cut short");
                }
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if (x < 0x80) {
                    return v;
                }
            }
            throw new IllegalArgumentException("a varint too long");
        }

        byte[] slice() {
            long length = varint();
            if (length < 0 || length > b.length - pos) {
                throw new IllegalArgumentException("a key of " + length + " bytes in an edit of " + b.length);
            }
            byte[] out = Arrays.copyOfRange(b, pos, pos + (int) length);
            pos += (int) length;
            return out;
        }
    }
}
