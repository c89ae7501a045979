package org.iommusim.persistence.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys a LevelDB write batch (one record of a {@code .log}) puts or
 * deletes: {@code sequence (8, LE), count (4, LE)}, then per entry a tag
 * (1 put, 0 delete), a varint-prefixed key and, for a put, a
 * varint-prefixed value. Only the keys are kept: they say which entities'
 * events a stretch of the log holds.
 */
final class WriteBatchKeys {
    private static final int HEADER = 12;

    private WriteBatchKeys() {}

    /** The keys of {@code batch}, in order; what cannot be parsed ends the list (the record's checksum matched). */
    static List<byte[]> of(byte[] batch) {
        List<byte[]> keys = new ArrayList<>();
        int[] pos = {HEADER};
        try {
            while (pos[0] < batch.length) {
                int tag = batch[pos[0]++];
                byte[] key = slice(batch, pos);
                keys.add(key);
                if (tag == 1) {
                    slice(batch, pos);
                } else if (tag != 0) {
                    break;
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            // a batch whose checksum matched but does not parse was not written by LevelDB: its keys are unknown
        }
        return keys;
    }

    private static byte[] slice(byte[] b, int[] pos) {
        int length = varint(b, pos);
        byte[] out = new byte[length];
        System.arraycopy(b, pos[0], out, 0, length);
        pos[0] += length;
        return out;
    }

    private static int varint(byte[] b, int[] pos) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int x = b[pos[0]++] & 0xFF;
            v |= (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
        throw new ArrayIndexOutOfBoundsException("varint too long");
    }
}
