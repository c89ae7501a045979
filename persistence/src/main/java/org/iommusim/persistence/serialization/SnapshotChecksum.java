package org.iommusim.persistence.serialization;

import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The checksum every snapshot carries: its bytes are followed by a marker
 * ({@code "ISC1"}) and the CRC-32C of the manifest and those bytes. A snapshot
 * file has no other protection (Pekko's local store writes the payload as it
 * is), and flipped bits in a page table's leaves still decode, into wrong
 * addresses. Snapshots from before the checksum (no marker at the end) are
 * read as they are; a damaged marker leaves eight trailing bytes, which the
 * decoder refuses.
 */
final class SnapshotChecksum {
    /** The manifests of snapshot states; events carry no checksum (LevelDB checks their blocks). */
    static final Set<String> MANIFESTS = Set.of("D.S.U", "D.S.A", "D.S.F", "T.snap", "A.snap", "S.snap", "I.S");
    private static final int MARKER = 0x49534331;
    private static final int TRAILER = 8;

    private SnapshotChecksum() {}

    static boolean applies(String manifest) {
        return MANIFESTS.contains(manifest);
    }

    static byte[] seal(String manifest, byte[] body) {
        return ByteBuffer.allocate(body.length + TRAILER).put(body).putInt(MARKER).putInt(crc(manifest, body, body.length))
                .array();
    }

    /** The body of a sealed snapshot, or {@code bytes} as they are when they carry no checksum. */
    static byte[] open(String manifest, byte[] bytes) throws NotSerializableException {
        int n = bytes.length - TRAILER;
        if (n < 0 || ByteBuffer.wrap(bytes, n, 4).getInt() != MARKER) {
            return bytes;
        }
        if (ByteBuffer.wrap(bytes, n + 4, 4).getInt() != crc(manifest, bytes, n)) {
            throw new NotSerializableException("corrupt " + manifest + " snapshot: checksum mismatch");
        }
        byte[] body = new byte[n];
        System.arraycopy(bytes, 0, body, 0, n);
        return body;
    }

    private static int crc(String manifest, byte[] body, int length) {
        CRC32C c = new CRC32C();
        c.update(manifest.getBytes(StandardCharsets.UTF_8));
        c.update(body, 0, length);
        return (int) c.getValue();
    }
}
