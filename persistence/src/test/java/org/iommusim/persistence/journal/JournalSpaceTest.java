package org.iommusim.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSpaceTest {
    private static final long MIB = 1 << 20;

    /** A file system whose free space the test sets, counting how often it is asked. */
    private static final class FakeStore extends FileStore {
        long usable;
        int reads;
        boolean broken;

        @Override
        public long getUsableSpace() throws IOException {
            reads++;
            if (broken) {
                throw new IOException("statvfs failed");
            }
            return usable;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String type() {
            return "fake";
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public long getTotalSpace() {
            return usable;
        }

        @Override
        public long getUnallocatedSpace() {
            return usable;
        }

        @Override
        public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
            return false;
        }

        @Override
        public boolean supportsFileAttributeView(String name) {
            return false;
        }

        @Override
        public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
            return null;
        }

        @Override
        public Object getAttribute(String attribute) {
            throw new UnsupportedOperationException(attribute);
        }
    }

    @Test
    void nearTheThresholdEveryWriteAsksTheFileSystemAndTheShortfallNamesEverything() {
        FakeStore fs = new FakeStore();
        JournalSpace space = new JournalSpace(Path.of("/data/journal"), fs, 64 * MIB);
        fs.usable = 64 * MIB + 100;
        for (int i = 1; i <= 3; i++) {
            assertTrue(space.shortfallForWrite().isEmpty());
            assertEquals(i, fs.reads, "a reading close to the threshold is never trusted");
        }
        fs.usable = 64 * MIB - 1;
        String why = space.shortfallForWrite().orElseThrow();
        assertTrue(why.contains("/data/journal") && why.contains((64 * MIB - 1) + " bytes")
                && why.contains((64 * MIB) + " bytes") && why.contains(JournalSpace.MIN_FREE_KEY), why);
    }

    @Test
    void aFileSystemThatCannotSayIsShort() {
        FakeStore fs = new FakeStore();
        fs.usable = 1L << 40;
        JournalSpace space = new JournalSpace(Path.of("/data/journal"), fs, 64 * MIB);
        assertTrue(space.shortfallForWrite().isEmpty());
        fs.broken = true;
        fs.usable = 0;
        assertTrue(space.shortfall().orElseThrow().contains("statvfs failed"));
        assertTrue(space.shortfallForWrite().isPresent(), "a failed reading is not trusted either");
    }

    @Test
    void aDirectoryNotYetCreatedIsMeasuredOnItsParentsFileSystem(@TempDir Path tmp) throws IOException {
        JournalSpace space = JournalSpace.of(tmp.resolve("a/b/journal"), 0);
        assertTrue(space.shortfall().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> JournalSpace.of(tmp, -1));
    }
}
