package org.iommusim.simulations.bench;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.UpdateResult;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;

/**
 * Retained heap per mapped 4K page of a {@link PageTable}: used heap after a
 * forced GC, before and after building the table, with the table kept
 * strongly reachable, best of several repetitions. Also times the walk.
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.PageTableMemory}
 */
public final class PageTableMemory {
    private static final long K4 = 1L << 12;
    private static final long M2 = 1L << 21;
    private static final long G1 = 1L << 30;
    private static final int BATCH = 512;
    private static final int REPETITIONS = 5;
    private static final DomainSpec SPEC = DomainSpec.stage1(Granule.G4K, 48, 48, 1);

    private PageTableMemory() {}

    public static void main(String[] args) {
        System.out.printf("%-34s %10s %14s %12s %12s %10s%n",
                "scenario", "leaves", "retained B", "B/4K page", "B/leaf", "build ms");
        PageTable pages = measure("1 GiB as 4K pages (512/batch)", PageTableMemory::oneGiBOfPages);
        measure("1 GiB as 2M blocks", PageTableMemory::oneGiBOfBlocks);
        measure("100,000 random 4K pages, 48-bit", PageTableMemory::sparsePages);
        walkSpeed(pages);
    }

    /** Retained bytes per mapped 4K page of 1 GiB mapped as 4K pages (best of the repetitions). */
    public static double bytesPerPageOneGiB() {
        long best = Long.MAX_VALUE;
        long pages = 0;
        for (int rep = 0; rep < REPETITIONS; rep++) {
            long before = usedAfterGc();
            PageTable table = oneGiBOfPages();
            long after = usedAfterGc();
            Reference.reachabilityFence(table);
            best = Math.min(best, after - before);
            pages = table.mappedBytes() / K4;
        }
        return (double) best / pages;
    }

    private static PageTable measure(String name, Supplier<PageTable> build) {
        long best = Long.MAX_VALUE;
        long bestMs = 0;
        PageTable kept = null;
        for (int rep = 0; rep < REPETITIONS; rep++) {
            kept = null;
            long before = usedAfterGc();
            long t0 = System.nanoTime();
            PageTable table = build.get();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long after = usedAfterGc();
            Reference.reachabilityFence(table);
            if (after - before < best) {
                best = after - before;
                bestMs = ms;
            }
            kept = table;
        }
        long pages4k = kept.mappedBytes() / K4;
        System.out.printf("%-34s %10d %14d %12.2f %12.2f %10d%n",
                name, kept.leafCount(), best, (double) best / pages4k, (double) best / kept.leafCount(), bestMs);
        return kept;
    }

    private static PageTable oneGiBOfPages() {
        List<MapSegment> segments = new ArrayList<>();
        for (long off = 0; off < G1; off += K4) {
            segments.add(new MapSegment(G1 + off, 4 * G1 + off, K4, Prot.rw()));
        }
        return inBatches(segments);
    }

    private static PageTable oneGiBOfBlocks() {
        List<MapSegment> segments = new ArrayList<>();
        for (long off = 0; off < G1; off += M2) {
            segments.add(new MapSegment(G1 + off, 4 * G1 + off, M2, Prot.rw()));
        }
        return inBatches(segments);
    }

    private static PageTable sparsePages() {
        Random random = new Random(42);
        Set<Long> pages = new LinkedHashSet<>();
        while (pages.size() < 100_000) {
            pages.add(random.nextLong() & ((1L << 36) - 1));
        }
        List<MapSegment> segments = new ArrayList<>();
        long pa = 0;
        for (long page : pages) {
            segments.add(new MapSegment(page << 12, pa, K4, Prot.rw()));
            pa += K4;
        }
        return inBatches(segments);
    }

    private static PageTable inBatches(List<MapSegment> segments) {
        PageTable t = PageTable.empty(SPEC);
        for (int i = 0; i < segments.size(); i += BATCH) {
            UpdateResult r = t.map(new MapBatch(segments.subList(i, Math.min(segments.size(), i + BATCH))));
            if (!r.ok()) {
                throw new IllegalStateException(r.error().orElseThrow().message());
            }
            t = r.table();
        }
        return t;
    }

    private static void walkSpeed(PageTable table) {
        Random random = new Random(7);
        long[] addresses = new long[1 << 20];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = G1 + (random.nextLong() & (G1 - 1));
        }
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (long a : addresses) {
                sink += ((WalkResult.Leaf) table.walk(a)).outputAddress();
            }
            long ns = System.nanoTime() - t0;
            if (round == 4) {
                System.out.printf("walk of the 4K-page table: %.1f ns per random address (%d walks, checksum %x)%n",
                        (double) ns / addresses.length, addresses.length, sink);
            }
        }
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
