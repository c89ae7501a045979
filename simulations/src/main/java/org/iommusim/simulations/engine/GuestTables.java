package org.iommusim.simulations.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iommusim.persistence.pagetable.DescriptorFormat;
import org.iommusim.persistence.pagetable.StagePermissions;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.memory.GuestMemory;

/**
 * A nested guest that keeps its stage-1 tables in its own memory, as a guest kernel does: 4K-granule
 * VMSAv8-64 tables (4 levels, 48-bit input) written page by page into a pool of table pages at IPA
 * {@code poolIpa} (PA {@code poolPa}, which the VMM maps in stage 2), mirroring what the guest maps in its
 * nested domain, so the run's history (the driver's records) is what guest memory says. Tables are never freed
 * (an emptied table stays in place, as Linux leaves one). The memory ({@link Ram}) is one per SMMU, shared by
 * its guests, each with its own pool; read on the model's translation threads.
 */
final class GuestTables {
    /** The guests' RAM on one SMMU: doublewords by physical address. */
    static final class Ram implements GuestMemory {
        private final Map<Long, Long> words = new ConcurrentHashMap<>();

        @Override
        public long readDescriptor(long address) {
            return words.getOrDefault(address, 0L);
        }

        void write(long pa, long value) {
            words.put(pa, value);
        }

        long read(long pa) {
            return words.getOrDefault(pa, 0L);
        }
    }

    /** A table descriptor, and a level-3 page descriptor: bits 0 and 1 set. */
    private static final long VALID_TABLE = DescriptorFormat.VALID | DescriptorFormat.PAGE;
    private static final long ADDRESS = 0x0000_FFFF_FFFF_F000L;

    private final Ram ram;
    private final long poolIpa;
    private final long poolPa;
    private final int pages;
    private int used = 1; // page 0 is the root

    GuestTables(Ram ram, long poolIpa, long poolPa, int pages) {
        if (pages < 4) {
            throw new IllegalArgumentException("a 4-level walk needs at least 4 table pages, got " + pages);
        }
        this.ram = ram;
        this.poolIpa = poolIpa;
        this.poolPa = poolPa;
        this.pages = pages;
    }

    /** CD.TTB0: the root table's IPA. */
    long ttb0() {
        return poolIpa;
    }

    /** The guest maps {@code size} bytes at VA {@code va} to IPA {@code ipa}, 4K page by 4K page. */
    void map(long va, long ipa, long size, Prot prot) {
        // the stage-1 permission bits (AP[2:1], PXN/UXN) as the walk decodes them: one rule, StagePermissions
        long leaf = DescriptorFormat.AF | StagePermissions.encode(DomainStage.STAGE1, prot) | VALID_TABLE;
        for (long off = 0; off < size; off += 0x1000) {
            ram.write(descriptorPa(va + off), (ipa + off) & ADDRESS | leaf);
        }
    }

    /** The guest unmaps: the page descriptors become invalid (the tables stay). */
    void unmap(long va, long size) {
        for (long off = 0; off < size; off += 0x1000) {
            ram.write(descriptorPa(va + off), 0);
        }
    }

    /** The PA of {@code va}'s level-3 descriptor, allocating the tables on its path. */
    private long descriptorPa(long va) {
        long table = poolIpa;
        for (int level = 0; level < 3; level++) {
            long at = pa(table) + 8 * ((va >>> (39 - 9 * level)) & 0x1FF);
            long d = ram.read(at);
            if ((d & 1) == 0) {
                if (used == pages) {
                    throw new IllegalStateException("the guest's table pool of " + pages + " pages is full");
                }
                d = (poolIpa + 0x1000L * used++) | VALID_TABLE;
                ram.write(at, d);
            }
            table = d & ADDRESS;
        }
        return pa(table) + 8 * ((va >>> 12) & 0x1FF);
    }

    private long pa(long ipa) {
        return poolPa + (ipa - poolIpa);
    }
}
