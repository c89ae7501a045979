package org.iommusim.actors.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file that eats a file system's free space on demand (written for real: a sparse file would take nothing). */
final class Filler implements AutoCloseable {
    private static final ByteBuffer CHUNK = ByteBuffer.allocateDirect(1 << 20);
    private final Path file;
    private final FileChannel ch;

    Filler(Path file) throws IOException {
        this.file = file;
        this.ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    static long usable(Path dir) throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Grows the file until {@code dir}'s file system has at most {@code target} bytes usable. */
    void leave(Path dir, long target) throws IOException {
        for (long excess = usable(dir) - target; excess > 0; excess = usable(dir) - target) {
            write((int) Math.min(excess, CHUNK.capacity()));
        }
    }

    /** Grows the file until the file system refuses (ENOSPC): the disk is full. */
    void fillUp() {
        try {
            while (true) {
                write(CHUNK.capacity());
            }
        } catch (IOException full) {
            // that is the point
        }
        try {
            for (int n = 1 << 19; n >= 512; n >>= 1) { // the last partial megabyte
                try {
                    write(n);
                } catch (IOException e) {
                    // try a smaller piece
                }
            }
        } finally {
            CHUNK.clear();
        }
    }

    private void write(int n) throws IOException {
        ByteBuffer b = CHUNK.duplicate();
        b.clear().limit(n);
        while (b.hasRemaining()) {
            ch.write(b);
        }
        ch.force(false);
    }

    /** Closes and deletes the file: the space is free again. */
    @Override
    public void close() throws IOException {
        ch.close();
        Files.deleteIfExists(file);
    }
}
