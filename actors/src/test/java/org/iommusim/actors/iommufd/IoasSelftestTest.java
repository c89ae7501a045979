package org.iommusim.actors.iommufd;

import static org.iommusim.actors.iommufd.Errnos.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IOAS cases of iommufd's selftest ({@code TEST_F(iommufd_ioas, area)} and friends). */
class IoasSelftestTest {
    private static final long PAGE = 0x1000;
    private static final long BASE = 0x10_0000;
    private static final long BUFFER = 0x8000_0000L;

    @Test
    void unmapOfNothingIsEnoent(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            for (int i = 0; i < 3; i++) {
                long iova = i * PAGE;
                expect(Errno.ENOENT, () -> f.host.ioasUnmap(ioas, iova, PAGE));
            }
            f.host.ioasMap(ioas, BASE, BUFFER, PAGE, Prot.rw());
            assertEquals(PAGE, f.host.ioasUnmap(ioas, BASE, PAGE));
            expect(Errno.ENOENT, () -> f.host.ioasUnmap(ioas, BASE, PAGE));
        }
    }

    @Test
    void partialUnmapIsEnoentButFullyContainedAreasUnmap(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, BASE + 16 * PAGE, BUFFER, 2 * PAGE, Prot.rw());
            expect(Errno.ENOENT, () -> f.host.ioasUnmap(ioas, BASE + 16 * PAGE, PAGE));
            expect(Errno.ENOENT, () -> f.host.ioasUnmap(ioas, BASE + 17 * PAGE, PAGE));
            // unmap_fully_contained_areas: four 8-page areas 16 pages apart
            int other = f.host.ioasAlloc();
            for (int i = 0; i < 4; i++) {
                f.host.ioasMap(other, BASE + i * 16 * PAGE, BUFFER, 8 * PAGE, Prot.rw());
            }
            expect(Errno.ENOENT, () -> f.host.ioasUnmap(other, BASE - 4 * PAGE, 8 * PAGE));
            expect(Errno.ENOENT, () -> f.host.ioasUnmap(other, BASE + 3 * 16 * PAGE + 4 * PAGE, 8 * PAGE));
            assertEquals(32 * PAGE, f.host.ioasUnmap(other, BASE - 4 * PAGE, 3 * 16 * PAGE + 8 * PAGE + 4 * PAGE));
        }
    }

    @Test
    void overlappingMapIsEexist(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, BASE + 16 * PAGE, BUFFER, 2 * PAGE, Prot.rw());
            expect(Errno.EEXIST, () -> f.host.ioasMap(ioas, BASE + 16 * PAGE, BUFFER, 2 * PAGE, Prot.rw()));
            expect(Errno.EEXIST, () -> f.host.ioasMap(ioas, BASE + 16 * PAGE, BUFFER, PAGE, Prot.rw()));
            expect(Errno.EEXIST, () -> f.host.ioasMap(ioas, BASE + 17 * PAGE, BUFFER, PAGE, Prot.rw()));
            expect(Errno.EEXIST, () -> f.host.ioasMap(ioas, BASE + 15 * PAGE, BUFFER, 2 * PAGE, Prot.rw()));
            expect(Errno.EEXIST, () -> f.host.ioasMap(ioas, BASE + 15 * PAGE, BUFFER, 3 * PAGE, Prot.rw()));
            expect(Errno.EINVAL, () -> f.host.ioasMap(ioas, BASE + 0x800, BUFFER, PAGE, Prot.rw()));
        }
    }

    @Test
    void unmapAllSucceedsOnAnEmptyIoasWithZeroBytes(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, BASE + 16 * PAGE, BUFFER, 2 * PAGE, Prot.rw());
            f.host.ioasMap(ioas, BASE + 64 * PAGE, BUFFER, PAGE, Prot.rw());
            assertEquals(3 * PAGE, f.host.ioasUnmap(ioas, 0, IommufdHost.UNMAP_ALL_LENGTH), "unmap all works");
            assertEquals(0, f.host.ioasUnmap(ioas, 0, IommufdHost.UNMAP_ALL_LENGTH), "and succeeds when empty");
            expect(Errno.ENOENT, () -> f.host.ioasUnmap(ioas, BASE, 16 * PAGE));
        }
    }
}
