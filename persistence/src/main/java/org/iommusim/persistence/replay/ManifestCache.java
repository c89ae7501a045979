package org.iommusim.persistence.replay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Manifest strings by their bytes. A journal uses a handful of manifests
 * ({@code D.T}, {@code S.S}, ...), so each is decoded once and then found by
 * comparing bytes in place; a journal with an unusual number of them only
 * stops being cached, it still reads.
 */
final class ManifestCache {
    private static final int SIZE = 32;
    private final byte[][] keys = new byte[SIZE][];
    private final String[] values = new String[SIZE];
    private int used;

    String get(byte[] buf, int offset, int length) {
        for (int i = 0; i < used; i++) {
            byte[] k = keys[i];
            if (k.length == length && Arrays.equals(k, 0, length, buf, offset, offset + length)) {
                return values[i];
            }
        }
        String s = new String(buf, offset, length, StandardCharsets.UTF_8);
        if (used < SIZE) {
            keys[used] = Arrays.copyOfRange(buf, offset, offset + length);
            values[used++] = s;
        }
        return s;
    }
}
