package org.iommusim.persistence.pagetable;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import org.iommusim.persistence.pagetable.ReferenceModel.Failure;
import org.iommusim.persistence.pagetable.ReferenceModel.Seg;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.domain.UnmapSegment;

/**
 * Random map/unmap batch sequences, many of them bound to fail, for every
 * granule and both stages, checked step by step against {@link ReferenceModel}:
 * same accept/refuse answer (kind, element, address), same walk for every
 * probed address, refused steps leave the table untouched, and replaying the
 * accepted events rebuilds the same table.
 */
class PageTableProperties {

    /** A batch; an unmap with {@code undo >= 0} instead unmaps exactly what an earlier map batch asked for. */
    record Op(boolean map, List<Seg> segments, int undo) {
        Op(boolean map, List<Seg> segments) {
            this(map, segments, -1);
        }
    }

    record Scenario(DomainStage stage, Granule granule, int ias, int oas, List<Op> ops) {
        DomainSpec spec() {
            return stage == DomainStage.STAGE2 ? DomainSpec.stage2(granule, ias, oas, 1) : DomainSpec.stage1(granule, ias, oas, 1);
        }
    }

    private static final int[][] IAS = {{36, 48, 52}, {32, 40, 48}, {34, 42, 52}};

    @Property(tries = 1000)
    void tableAgreesWithThePageByPageReference(@ForAll("scenarios") Scenario sc) {
        agreesWithReference(sc);
    }

    /** 1G (4K granule) and 512M (64K granule) blocks cost the 4K-page reference up to 262144 entries each: fewer tries. */
    @Property(tries = 60)
    void hugeBlocksAgreeWithThePageByPageReference(@ForAll("hugeBlockScenarios") Scenario sc) {
        agreesWithReference(sc);
    }

    private void agreesWithReference(Scenario sc) {
        Granule g = sc.granule();
        PageTable table = PageTable.empty(sc.spec());
        ReferenceModel ref = new ReferenceModel(sc.stage() == DomainStage.STAGE2, g.pageSize(), sc.ias(), sc.oas());
        Statistics.label("table").collect(sc.stage() + " " + g.label());
        List<PageTableEvent> log = new ArrayList<>();
        Set<Long> probes = new LinkedHashSet<>();
        List<Op> maps = new ArrayList<>();
        // every version stays as it was when later edits share its tables (path copying, chunk by chunk)
        List<PageTable> versions = new ArrayList<>();
        List<Object> leavesThen = new ArrayList<>();
        for (Op planned : sc.ops()) {
            if (planned.undo() >= 0 && maps.isEmpty()) {
                continue;
            }
            Op op = planned.undo() >= 0 && !maps.isEmpty()
                    ? new Op(false, maps.get(planned.undo() % maps.size()).segments()) : planned;
            if (op.map()) {
                maps.add(op);
            }
            Failure expected = op.map() ? ref.map(op.segments()) : ref.unmap(op.segments());
            Statistics.label("outcome").collect((op.map() ? "map " : "unmap ") + (expected == null ? "OK" : expected.kind()));
            Decision<?> decision = op.map() ? table.decideMap(mapBatch(op)) : table.decideUnmap(unmapBatch(op));
            if (expected == null) {
                assertTrue(decision.accepted(), () -> "refused " + op + ": " + ((Decision.Rejected<?>) decision).error());
                PageTableEvent event = ((Decision.Accepted<?>) decision).event();
                log.add(event);
                table = table.apply(event);
                versions.add(table);
                leavesThen.add(table.leaves());
            } else {
                assertFalse(decision.accepted(), () -> "accepted " + op + ", expected " + expected);
                PageTableError e = ((Decision.Rejected<?>) decision).error();
                assertEquals(expected, new Failure(e.kind(), e.index(), e.address()), e.message());
                long digest = table.digest();
                UpdateResult r = op.map() ? table.map(mapBatch(op)) : table.unmap(unmapBatch(op));
                assertSame(table, r.table());
                assertEquals(digest, r.table().digest());
            }
            for (Seg s : op.segments()) {
                for (long a : new long[] {s.iova(), s.iova() - 1, s.iova() + 0x123, s.iova() + s.size() - 1, s.iova() + s.size()}) {
                    probes.add(a);
                }
            }
            if (!ref.pages.isEmpty()) {
                probes.add(ref.pages.firstKey() * ReferenceModel.PAGE4K + 0x777);
                probes.add(ref.pages.lastKey() * ReferenceModel.PAGE4K + 0xFFF);
            }
            for (long p : probes) {
                checkWalk(sc, ref, table, p);
            }
            assertEquals(ref.pages.size() * ReferenceModel.PAGE4K, table.mappedBytes());
        }
        for (int v = 0; v < versions.size(); v++) {
            assertEquals(leavesThen.get(v), versions.get(v).leaves(), "version " + v + " changed by a later edit");
        }
        PageTable replayed = PageTable.empty(sc.spec());
        for (PageTableEvent e : log) {
            replayed = replayed.apply(e);
        }
        assertEquals(table.digest(), replayed.digest());
        assertEquals(table.leafCount(), table.leaves().size());
        assertEquals(table.leaves(), replayed.leaves());
    }

    private static void checkWalk(Scenario sc, ReferenceModel ref, PageTable table, long address) {
        WalkResult w = table.walk(address);
        if (Long.compareUnsigned(address, 1L << sc.ias()) >= 0) {
            // Arm IHI 0070, 3.4: beyond the TxSZ range is a Translation fault at either stage
            assertEquals(new WalkResult.WalkFault(WalkResult.WalkFault.Kind.TRANSLATION, table.startLevel()), w);
            return;
        }
        ReferenceModel.Page page = ref.pages.get(address / ReferenceModel.PAGE4K);
        String where = "walk 0x" + Long.toHexString(address);
        if (page == null) {
            assertInstanceOf(WalkResult.WalkFault.class, w, where);
            assertEquals(WalkResult.WalkFault.Kind.TRANSLATION, ((WalkResult.WalkFault) w).kind(), where);
            return;
        }
        WalkResult.Leaf leaf = assertInstanceOf(WalkResult.Leaf.class, w, where);
        assertEquals(page.pa() + (address & 0xFFF), leaf.outputAddress(), where);
        assertEquals(page.perms(), leaf.perms(), where);
        assertTrue(sc.granule().leafSizes().contains(leaf.size()), where);
        assertTrue(leaf.leafBase() <= address && address - leaf.leafBase() < leaf.size(), where);
    }

    private static MapBatch mapBatch(Op op) {
        return new MapBatch(op.segments().stream().map(s -> new MapSegment(s.iova(), s.pa(), s.size(), Prot.of(s.prot()))).toList());
    }

    private static UnmapBatch unmapBatch(Op op) {
        return new UnmapBatch(op.segments().stream().map(s -> new UnmapSegment(s.iova(), s.size())).toList());
    }

    // ---- generators ---------------------------------------------------------

    @Provide
    Arbitrary<Scenario> scenarios() {
        return scenarios(Arbitraries.of(Granule.values()), false);
    }

    @Provide
    Arbitrary<Scenario> hugeBlockScenarios() {
        return scenarios(Arbitraries.of(Granule.G4K, Granule.G64K), true);
    }

    private Arbitrary<Scenario> scenarios(Arbitrary<Granule> granules, boolean huge) {
        return Combinators.combine(
                Arbitraries.of(DomainStage.STAGE1, DomainStage.STAGE2),
                granules,
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(40, 48, 52)
        ).flatAs((stage, g, iasChoice, oas) -> {
            int ias = IAS[g.ordinal()][iasChoice];
            return op(g, ias, oas, huge).list().ofMinSize(1).ofMaxSize(14)
                    .map(ops -> new Scenario(stage, g, ias, oas, ops));
        });
    }

    private Arbitrary<Op> op(Granule g, int ias, int oas, boolean huge) {
        Arbitrary<Seg> seg = segment(g, ias, oas, huge);
        long big = g.leafSizes().get(0);
        Arbitrary<Op> maps = seg.list().ofMinSize(1).ofMaxSize(3).map(l -> new Op(true, l));
        Arbitrary<Op> unmaps = seg.list().ofMinSize(1).ofMaxSize(3).map(l -> new Op(false, l));
        Arbitrary<Op> wipe = Arbitraries.just(new Op(false, List.of(new Seg(0, 0, 8 * big, 0))));
        Arbitrary<Op> undo = Arbitraries.integers().between(0, 13).map(j -> new Op(false, List.of(), j));
        return Arbitraries.frequencyOf(Tuple.of(6, maps), Tuple.of(3, unmaps), Tuple.of(3, undo), Tuple.of(1, wipe));
    }

    /**
     * Addresses on a lattice of pages and blocks in a small window, so
     * segments collide, touch and nest often; sometimes misaligned, empty,
     * or at the top of the input or output space.
     */
    private Arbitrary<Seg> segment(Granule g, int ias, int oas, boolean huge) {
        long page = g.pageSize();
        List<Long> sizes = g.leafSizes();
        long big = sizes.get(0);
        // blocks at most 32M unless huge: the largest block of 4K and 64K granules only then
        long block = sizes.get(sizes.size() - 2);
        boolean cheapBlock = block <= (1L << 25);
        Arbitrary<Long> unit = Arbitraries.frequency(
                Tuple.of(12, page), Tuple.of(cheapBlock ? 4 : 0, block), Tuple.of(huge ? 3 : 0, big));
        Arbitrary<Long> offsetPages = Arbitraries.frequency(Tuple.of(6, 0L), Tuple.of(3, 1L), Tuple.of(1, 2L), Tuple.of(1, -1L));
        Arbitrary<Integer> oddity = Arbitraries.frequency(
                Tuple.of(40, 0), Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(1, 3), Tuple.of(1, 4), Tuple.of(1, 5), Tuple.of(1, 6));
        Arbitrary<Integer> prot = Arbitraries.frequency(
                Tuple.of(10, Prot.READ | Prot.WRITE), Tuple.of(3, Prot.READ), Tuple.of(3, Prot.WRITE), Tuple.of(1, 0))
                .flatMap(rw -> Arbitraries.integers().between(0, 7).map(extra ->
                        rw | ((extra & 1) != 0 ? Prot.NOEXEC : 0) | ((extra & 2) != 0 ? Prot.PRIV : 0) | ((extra & 4) != 0 ? Prot.CACHE : 0)));
        return Combinators.combine(
                unit, Arbitraries.longs().between(0, 3), offsetPages,
                Arbitraries.longs().between(0, 2), Arbitraries.longs().between(0, 2),
                Arbitraries.longs().between(0, 7), oddity, prot
        ).as((u, k, off, n, m, paSlot, odd, pr) -> {
            long iova = Math.max(0, k * u + off * page);
            long size = u == big ? big + m * page : n * u + m * page;
            if (size == 0) size = page;
            long pa = paSlot * u + (paSlot % 3 == 2 ? page : 0) + Math.max(0, off) * page;
            switch (odd) {
                case 1 -> iova += 0x800;
                case 2 -> pa += 0x200;
                case 3 -> size = odd == 3 && n == 0 ? 0 : size + 0x400;
                case 4 -> iova = (1L << ias) - (k + 1) * page;
                case 5 -> pa = (1L << oas) - (k + 1) * page;
                case 6 -> iova = (1L << ias) + k * page;
                default -> { }
            }
            return new Seg(iova, pa, size, pr);
        });
    }
}
