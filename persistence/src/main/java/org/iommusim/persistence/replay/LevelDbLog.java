package org.iommusim.persistence.replay;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A strict reading of LevelDB's log format, the format of its write-ahead
 * {@code .log} files and of its {@code MANIFEST}: 32 KiB blocks of physical
 * records, each {@code masked crc32c (4, LE), length (2, LE), type (1)} then
 * the data; a record of type FIRST, MIDDLE... LAST spans blocks; fewer than 7
 * bytes left in a block are a zero trailer.
 *
 * <p>LevelDB's own reader, without paranoid checks, skips what it cannot
 * read (the rest of a 32 KiB block for one bad checksum, and any run of
 * zeros) and carries on: records are lost without a word. This reading
 * tells a crash's tail from damage instead. The end of the file may cut the
 * last record short, or be zeros up to the end (the {@code mmap} writer
 * extends the file ahead of its writes): that is a crash's tail, and the
 * complete records before it are a consistent prefix; so is a last record
 * torn by the machine stopping (its end, and all after it, zeros). Anything else that
 * does not read (a checksum that does not match, a length that crosses its
 * block, a fragment out of order, zeros with records after them) is damage.
 *
 * @param records the complete logical records before the tail or the damage, in file order
 * @param end     the byte just after the last complete record
 * @param tail    how the file ends after {@code end} when that is a crash's tail, else null
 * @param damage  what does not read, at which byte, else null
 */
record LevelDbLog(List<Record> records, long end, String tail, Damage damage) {
    static final int BLOCK = 32 * 1024;
    static final int HEADER = 7;
    private static final int ZERO = 0;
    private static final int FULL = 1;
    private static final int FIRST = 2;
    private static final int MIDDLE = 3;
    private static final int LAST = 4;
    private static final String ZEROS = "zeros from byte ";

    /** One logical record and the byte its first fragment starts at. */
    record Record(long offset, byte[] data) {}

    /** Unreadable bytes at {@code offset}; {@code resumesAt} is the first complete record after them, or -1. */
    record Damage(long offset, String reason, long resumesAt) {}

    /** Reads {@code bytes}, a whole log file. */
    static LevelDbLog read(byte[] bytes) {
        List<Record> records = new ArrayList<>();
        ByteArrayOutputStream fragments = null;
        long fragmentStart = 0;
        int pos = 0;
        int n = bytes.length;
        while (pos < n) {
            int blockLeft = BLOCK - pos % BLOCK;
            if (blockLeft < HEADER) {
                pos += blockLeft; // the writer's zero trailer; nothing is lost whatever it holds
                continue;
            }
            if (n - pos < HEADER) {
                return cut(records, fragments != null ? fragmentStart : pos,
                        "a record header cut short by the end of the file at byte " + pos);
            }
            int length = (bytes[pos + 4] & 0xFF) | (bytes[pos + 5] & 0xFF) << 8;
            int type = bytes[pos + 6] & 0xFF;
            if (type == ZERO && length == 0 && readIntLe(bytes, pos) == 0) {
                long from = fragments != null ? fragmentStart : pos;
                if (allZero(bytes, pos, n)) {
                    if (fragments != null) {
                        return cut(records, from, "a fragmented record cut short by zeros at byte " + pos);
                    }
                    return new LevelDbLog(records, from, ZEROS + pos + " to the end (" + n + " bytes)", null);
                }
                return damaged(records, from, bytes, "zeros at byte " + pos + " with records after them", pos);
            }
            if (HEADER + length > blockLeft) {
                return damaged(records, fragments != null ? fragmentStart : pos, bytes,
                        "bad record length " + length + " at byte " + pos, pos);
            }
            if (pos + HEADER + length > n) {
                return cut(records, fragments != null ? fragmentStart : pos,
                        "a record cut short by the end of the file at byte " + pos + " (" + length
                                + " bytes announced, " + (n - pos - HEADER) + " there)");
            }
            if (crc(bytes, pos + 6, length + 1) != unmask(readIntLe(bytes, pos))) {
                if (torn(bytes, pos + HEADER, length)) {
                    return cut(records, fragments != null ? fragmentStart : pos, "a record torn at byte " + pos
                            + " (it and the rest of the file end in zeros: the machine stopped while it was written)");
                }
                return damaged(records, fragments != null ? fragmentStart : pos, bytes,
                        "checksum mismatch in the record at byte " + pos, pos);
            }
            int data = pos + HEADER;
            switch (type) {
                case FULL -> {
                    if (fragments != null) {
                        return damaged(records, fragmentStart, bytes, "a fragmented record without its end at byte "
                                + fragmentStart, pos);
                    }
                    records.add(new Record(pos, slice(bytes, data, length)));
                }
                case FIRST -> {
                    if (fragments != null) {
                        return damaged(records, fragmentStart, bytes, "a fragmented record without its end at byte "
                                + fragmentStart, pos);
                    }
                    fragments = new ByteArrayOutputStream();
                    fragmentStart = pos;
                    fragments.write(bytes, data, length);
                }
                case MIDDLE, LAST -> {
                    if (fragments == null) {
                        return damaged(records, pos, bytes, "a record fragment without its start at byte " + pos, pos);
                    }
                    fragments.write(bytes, data, length);
                    if (type == LAST) {
                        records.add(new Record(fragmentStart, fragments.toByteArray()));
                        fragments = null;
                    }
                }
                default -> {
                    return damaged(records, fragments != null ? fragmentStart : pos, bytes,
                            "unknown record type " + type + " at byte " + pos, pos);
                }
            }
            pos = data + length;
        }
        if (fragments != null) {
            return cut(records, fragmentStart, "a fragmented record cut short by the end of the file at byte "
                    + fragmentStart);
        }
        return new LevelDbLog(records, n, null, null);
    }

    /** The file ends inside a record: a crash's tail, if nothing but that record (or zeros) follows. */
    private static LevelDbLog cut(List<Record> records, long from, String what) {
        return new LevelDbLog(records, from, what, null);
    }

    private static LevelDbLog damaged(List<Record> records, long from, byte[] bytes, String reason, int at) {
        return new LevelDbLog(records, from, null, new Damage(at, reason, resync(bytes, at)));
    }

    /**
     * The first record after the damage that reads, where LevelDB's own
     * reader would go on: it drops the rest of the damaged block, then reads
     * record by record, dropping fragments whose start it lost and any block
     * with another bad record, up to a FULL or FIRST record that reads.
     */
    private static long resync(byte[] bytes, int at) {
        int pos = (at / BLOCK + 1) * BLOCK;
        while (pos < bytes.length) {
            int blockLeft = BLOCK - pos % BLOCK;
            if (blockLeft < HEADER || bytes.length - pos < HEADER) {
                pos += blockLeft;
                continue;
            }
            int length = (bytes[pos + 4] & 0xFF) | (bytes[pos + 5] & 0xFF) << 8;
            int type = bytes[pos + 6] & 0xFF;
            if (HEADER + length > blockLeft || pos + HEADER + length > bytes.length
                    || crc(bytes, pos + 6, length + 1) != unmask(readIntLe(bytes, pos))) {
                pos += blockLeft;
                continue;
            }
            if (type == FULL || type == FIRST) {
                return pos;
            }
            pos += HEADER + length;
        }
        return -1;
    }

    /** Whether the file ends in nothing but the zeros the writer puts ahead of its writes (no record lost). */
    boolean endsInZerosOnly() {
        return tail != null && tail.startsWith(ZEROS);
    }

    /**
     * A record the writer had not finished when the machine stopped: the
     * {@code mmap} writer's file is zeros ahead of it, so an unwritten end
     * is zeros, and so is everything after it. A flipped bit leaves no such
     * zeros, and is damage.
     */
    private static boolean torn(byte[] b, int data, int length) {
        int zeroTail = Math.min(length, 8);
        return length > 0 && allZero(b, data + length - zeroTail, b.length);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(b, from, out, 0, length);
        return out;
    }

    static int readIntLe(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static int crc(byte[] b, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(b, from, length);
        return (int) c.getValue();
    }

    /** LevelDB stores {@code rotr(crc, 15) + 0xa282ead8} so that a CRC of data holding CRCs stays strong. */
    private static int unmask(int masked) {
        int rot = masked - 0xa282ead8;
        return (rot >>> 17) | (rot << 15);
    }
}
