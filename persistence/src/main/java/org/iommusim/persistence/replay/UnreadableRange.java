package org.iommusim.persistence.replay;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;

/**
 * Where an unreadable stretch of a LevelDB ends. A scan that fails (a table
 * block whose checksum does not match, a table whose index does not read)
 * stops after the last key it read; seeking to a key inside the damage fails
 * again, seeking past it succeeds. The first 12 bytes of a journal key
 * (numeric id, sequence number) order it, so the end is found by an
 * exponential, then binary, search over those 96 bits, with one fresh
 * iterator per probe.
 */
final class UnreadableRange {
    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(96);

    private UnreadableRange() {}

    /**
     * The first key that reads after {@code lastGood} (null: from the first
     * key) and the damage after it, or null when nothing after it reads.
     */
    static byte[] firstReadableAfter(DB db, byte[] lastGood) {
        BigInteger start = lastGood == null ? BigInteger.ZERO : position(lastGood).add(BigInteger.ONE);
        Probe first = probe(db, start);
        if (first.readable()) {
            return first.landing(); // readable right after lastGood: nothing to bound
        }
        BigInteger lo = start;
        BigInteger hi;
        Probe found;
        for (BigInteger step = BigInteger.ONE; ; step = step.shiftLeft(1)) {
            BigInteger at = start.add(step).min(LIMIT.subtract(BigInteger.ONE));
            Probe p = probe(db, at);
            if (p.readable()) {
                hi = at;
                found = p;
                break;
            }
            lo = at;
            if (at.equals(LIMIT.subtract(BigInteger.ONE))) {
                return null; // nothing after the damage reads
            }
        }
        while (hi.subtract(lo).compareTo(BigInteger.ONE) > 0) {
            BigInteger mid = lo.add(hi).shiftRight(1);
            Probe p = probe(db, mid);
            if (p.readable()) {
                hi = mid;
                found = p;
            } else {
                lo = mid;
            }
        }
        return found.landing();
    }

    /** What a seek to {@code at} gives: readable, and the key it lands on (null at the end of the journal). */
    private record Probe(boolean readable, byte[] landing) {}

    private static Probe probe(DB db, BigInteger at) {
        try (DBIterator it = db.iterator(new ReadOptions().verifyChecksums(true).fillCache(false))) {
            it.seek(key(at));
            if (!it.hasNext()) {
                return new Probe(true, null);
            }
            Map.Entry<byte[], byte[]> e = it.peekNext();
            return new Probe(true, e.getKey());
        } catch (Exception | LinkageError e) {
            return new Probe(false, null);
        }
    }

    private static BigInteger position(byte[] key) {
        return new BigInteger(1, Arrays.copyOf(key, 12));
    }

    private static byte[] key(BigInteger position) {
        byte[] raw = position.toByteArray(); // big-endian, maybe with a sign byte or shorter than 12
        byte[] out = new byte[20];
        int n = Math.min(raw.length, 12);
        System.arraycopy(raw, raw.length - n, out, 12 - n, n);
        return out;
    }
}
