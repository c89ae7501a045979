package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.simulations.scenario.Workload;

/** The device workloads of the scenarios. */
final class Devices {
    private Devices() {}

    /**
     * {@code bytes} rounded up to whole pages of {@code d}'s granule: a
     * driver maps at least a page of the domain (Linux's dma-iommu aligns
     * every mapping to the IOVA domain's granule), and the model refuses a
     * map that is not a multiple of it.
     */
    private static long pages(long bytes, DomainCtx d) {
        long page = page(d);
        return (bytes + page - 1) & -page;
    }

    private static long page(DomainCtx d) {
        return d.spec.granule().pageSize();
    }

    /** A NIC ring: a packet is DMA'd into the oldest buffer, which is unmapped and replaced by a new one. */
    static final class Nic extends Device {
        private final Workload.NicRing w;
        private final DomainCtx domain;
        private final List<List<MapRecord>> ring = new ArrayList<>();
        private long nextPa;
        private int slot;

        Nic(String name, int sid, int cpu, int order, Checker.Resolution res, Workload.NicRing w, DomainCtx domain,
                long paBase) {
            super(name, sid, cpu, order, res, page(domain));
            this.w = w;
            this.domain = domain;
            this.nextPa = paBase;
        }

        @Override
        void setup(DeviceContext ctx, Clock c) {
            for (int i = 0; i < w.ringSize(); i++) {
                ring.add(newBuffer(ctx, c));
            }
        }

        private List<MapRecord> newBuffer(DeviceContext ctx, Clock c) {
            long size = pages(w.packetBytes(), domain);
            List<MapRecord> r = ctx.driver().map(domain, nextPa, size, 1, Prot.of(Prot.READ | Prot.WRITE), sid, cpu,
                    c);
            mapped(r);
            nextPa += size;
            return r;
        }

        @Override
        int step(DeviceContext ctx, Clock c, Random rnd) {
            int s = slot;
            // a slot whose packet is still in flight (concurrent mode) gets its new buffer when that lands
            ctx.await(this, () -> ring.get(s) != null);
            List<MapRecord> buf = ring.get(s);
            ring.set(s, null);
            MapRecord r = buf.get(0);
            for (int i = 0; i < w.dmaPerPacket(); i++) {
                ctx.dma(this, r.iova + (rnd.nextLong(r.size) & ~63L), Access.WRITE, c);
            }
            // the driver unmaps the buffer once the packet is in, and puts a fresh one in the slot
            ctx.afterDma(this, () -> {
                ctx.driver().unmap(domain, buf, cpu, this, c);
                unmapped(buf);
                ring.set(s, newBuffer(ctx, c));
            });
            slot = (s + 1) % ring.size();
            return w.dmaPerPacket() + stray(ctx, c, rnd);
        }
    }

    /** Random accesses over a window mapped once. */
    static final class RandomAccess extends Device {
        private final Workload.RandomAccess w;
        private final DomainCtx domain;
        private final long paBase;
        private MapRecord window;

        RandomAccess(String name, int sid, int cpu, int order, Checker.Resolution res, Workload.RandomAccess w,
                DomainCtx domain, long paBase) {
            super(name, sid, cpu, order, res, page(domain));
            this.w = w;
            this.domain = domain;
            this.paBase = paBase;
        }

        @Override
        void setup(DeviceContext ctx, Clock c) {
            // one request of single pages: like a driver mapping page by page, so no block entry widens the IOTLB's reach
            long size = pages(w.windowBytes(), domain);
            List<MapRecord> pages = ctx.driver().mapAt(domain, domain.iovas.allocate(size, cpu, c.now()).iova(), paBase,
                    page(domain), (int) (size / page(domain)), Prot.rw(), sid, c);
            MapRecord first = pages.get(0);
            window = new MapRecord(first.domain, first.iova, size, first.pa, first.prot, first.mapAt, first.mapSeq);
        }

        @Override
        int step(DeviceContext ctx, Clock c, Random rnd) {
            Access a = rnd.nextDouble() < w.writeFraction() ? Access.WRITE : Access.READ;
            // page-granular accesses: the IOTLB's reach over the window is what this device measures
            ctx.dma(this, window.iova + (rnd.nextLong(window.size) & ~63L), a, c);
            return 1;
        }
    }

    /**
     * Storage I/O: read the next command from the controller's queue (mapped once), map a scatter-gather
     * list in one request (one IOVA range), DMA each segment (a read and its re-reads), unmap it in one
     * request.
     */
    static final class Storage extends Device {
        private static final int QUEUE_ENTRY = 64;
        private final Workload.StorageSg w;
        private final DomainCtx domain;
        private final long paBase;
        private MapRecord queue;
        private long commands;

        Storage(String name, int sid, int cpu, int order, Checker.Resolution res, Workload.StorageSg w,
                DomainCtx domain, long paBase) {
            super(name, sid, cpu, order, res, page(domain));
            this.w = w;
            this.domain = domain;
            this.paBase = paBase;
        }

        @Override
        void setup(DeviceContext ctx, Clock c) {
            if (w.queueBytes() > 0) {
                // the controller's queue sits above the data buffers' physical range
                long pa = paBase + 64L * pages(w.segmentBytes(), domain) * w.segments();
                queue = ctx.driver().map(domain, pa, pages(w.queueBytes(), domain), 1, Prot.rw(), sid, cpu, c).get(0);
                mapped(List.of(queue));
            }
        }

        @Override
        int step(DeviceContext ctx, Clock c, Random rnd) {
            int n = 0;
            if (queue != null) {
                ctx.dma(this, queue.iova + (commands++ * QUEUE_ENTRY) % w.queueBytes(), Access.READ, c);
                n++;
            }
            long seg = pages(w.segmentBytes(), domain);
            List<MapRecord> sg = ctx.driver().map(domain, paBase + rnd.nextInt(64) * seg * w.segments(), seg,
                    w.segments(), Prot.rw(), sid, cpu, c);
            mapped(sg);
            Access a = rnd.nextBoolean() ? Access.READ : Access.WRITE;
            for (int i = 0; i < w.dmaPerSegment(); i++) {
                for (MapRecord r : sg) {
                    ctx.dma(this, r.iova + (i == 0 ? 0 : rnd.nextLong(r.size) & ~63L), a, c);
                }
            }
            n += sg.size() * w.dmaPerSegment();
            // the I/O completes: the driver unmaps its list
            ctx.afterDma(this, () -> {
                ctx.driver().unmap(domain, sg, cpu, this, c);
                unmapped(sg);
            });
            return n + stray(ctx, c, rnd);
        }
    }

    /**
     * A guest device behind nested translation: the guest's stage-1 window
     * stays mapped; the host moves one guest page (remaps stage 2 and
     * invalidates as configured) every {@code remapEvery} accesses. With the
     * guest's tables in its own memory the guest maps its window page by page
     * and, halfway between the host's moves, moves one of its own pages too:
     * it clears the PTE in its memory, unmaps (its driver's TLBI_NH_VA and
     * CMD_SYNC), and maps a fresh VA page to another of its IPAs.
     */
    static final class NestedGuest extends Device {
        private final Workload.NestedGuest w;
        private final DomainCtx s1;
        private final DomainCtx s2;
        private final long paBase;
        private long nextPa;
        private MapRecord guestWindow;
        /** With the guest's tables in its memory: its window's pages, and its tables. */
        private final List<MapRecord> guestPages = new ArrayList<>();
        private GuestTables tables;
        private final List<MapRecord> hostPages = new ArrayList<>();
        private long accesses;

        NestedGuest(String name, int sid, int cpu, int order, Checker.Resolution res, Workload.NestedGuest w,
                DomainCtx s1, DomainCtx s2, long paBase) {
            super(name, sid, cpu, order, res, page(s1));
            this.w = w;
            this.s1 = s1;
            this.s2 = s2;
            this.paBase = paBase;
        }

        @Override
        void setup(DeviceContext ctx, Clock c) {
            // whole pages of both stages: the host's pages hold whole guest pages
            long size = pages(pages(w.windowBytes(), s1), s2);
            long ipa = s2.iovas.allocate(size, cpu, c.now()).iova();
            // the host maps guest memory page by page, so each page can be moved on its own
            hostPages.addAll(ctx.driver().mapAt(s2, ipa, paBase, page(s2), (int) (size / page(s2)), Prot.rw(), sid,
                    c));
            nextPa = paBase + size;
            if (!w.guestTables()) {
                guestWindow = ctx.driver().mapAt(s1, s1.iovas.allocate(size, cpu, c.now()).iova(), ipa, size, 1,
                        Prot.rw(), sid, c).get(0);
                return;
            }
            // the guest maps its window page by page and writes the same mapping into its own tables, in a pool of
            // table pages the VMM maps (read-only) in stage 2, and points its CD there: the SMMU walks guest memory
            // (its tables are 4K-granule ones: the scenario loader refuses another stage-1 granule here)
            guestPages.addAll(ctx.driver().mapAt(s1, s1.iovas.allocate(size, cpu, c.now()).iova(), ipa, page(s1),
                    (int) (size / page(s1)), Prot.rw(), sid, c));
            long poolBytes = pages(GUEST_POOL_PAGES * 4096L, s2);
            long poolIpa = s2.iovas.allocate(poolBytes, cpu, c.now()).iova();
            long poolPa = paBase + GUEST_POOL_OFFSET;
            ctx.driver().mapAt(s2, poolIpa, poolPa, poolBytes, 1, Prot.of(Prot.READ), sid, c);
            tables = new GuestTables(ctx.driver().guestRam(s1.smmu), poolIpa, poolPa, GUEST_POOL_PAGES);
            for (MapRecord r : guestPages) {
                tables.map(r.iova, r.pa, r.size, r.prot);
            }
            ctx.driver().useGuestTables(s1, sid, tables.ttb0(), c);
        }

        /** The guest moves its page {@code i} to a fresh VA page mapping the IPA of host page {@code j}. */
        private void moveGuestPage(DeviceContext ctx, Clock c, int i, int j) {
            MapRecord old = guestPages.get(i);
            tables.unmap(old.iova, old.size); // the PTE first, then the driver's unmap, TLBI and sync
            ctx.driver().unmap(s1, List.of(old), cpu, this, c);
            long va = s1.iovas.allocate(page(s1), cpu, c.now()).iova();
            long ipa = hostPages.get(j).iova;
            MapRecord r = ctx.driver().mapAt(s1, va, ipa, page(s1), 1, Prot.rw(), sid, c).get(0);
            tables.map(r.iova, r.pa, r.size, r.prot);
            guestPages.set(i, r);
        }

        /** Table pages in a guest's pool: a root, and room for a window over a few level-3 tables. */
        static final int GUEST_POOL_PAGES = 64;
        /** Where in the device's PA region the guest's table pool lies, clear of its pages and their remaps. */
        static final long GUEST_POOL_OFFSET = 0xF000_0000L;

        @Override
        int step(DeviceContext ctx, Clock c, Random rnd) {
            if (tables == null) {
                ctx.dma(this, guestWindow.iova + (rnd.nextLong(guestWindow.size) & ~63L),
                        rnd.nextBoolean() ? Access.READ : Access.WRITE, c);
            } else {
                MapRecord page = guestPages.get(rnd.nextInt(guestPages.size()));
                ctx.dma(this, page.iova + (rnd.nextLong(page.size) & ~63L),
                        rnd.nextBoolean() ? Access.READ : Access.WRITE, c);
                if ((accesses + 1) % w.remapEvery() == w.remapEvery() / 2) {
                    moveGuestPage(ctx, c, rnd.nextInt(guestPages.size()), rnd.nextInt(hostPages.size()));
                }
            }
            if (++accesses % w.remapEvery() == 0) {
                int i = rnd.nextInt(hostPages.size());
                MapRecord old = hostPages.get(i);
                hostPages.set(i, ctx.driver().remapStage2(s2, old, nextPa, sid, c));
                nextPa += old.size;
            }
            return 1;
        }
    }
}
