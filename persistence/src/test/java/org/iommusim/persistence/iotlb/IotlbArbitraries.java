package org.iommusim.persistence.iotlb;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiEl2All;
import org.iommusim.protocol.command.TlbiEl2Asid;
import org.iommusim.protocol.command.TlbiEl2Va;
import org.iommusim.protocol.command.TlbiEl2Vaa;
import org.iommusim.protocol.command.TlbiEl3All;
import org.iommusim.protocol.command.TlbiEl3Va;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNhVaa;
import org.iommusim.protocol.command.TlbiNsnhAll;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.translate.Perms;

/**
 * Histories over a deliberately small universe (3 VMIDs, 3 ASIDs, an 8M
 * window of 4K pages, 2M blocks and one 1G block, a few 64K-granule entries)
 * so fills collide, lookups hit and invalidations find something.
 */
final class IotlbArbitraries {
    private IotlbArbitraries() {}

    sealed interface Op {}

    record Fill(IotlbEntry entry) implements Op {}

    record Lookup(int vmid, int asid, IotlbEntry.Kind kind, long iova) implements Op {}

    record Invalidate(TlbiCommand command) implements Op {}

    record Flush() implements Op {}

    /** A lookup aimed at an earlier fill ({@code pick} modulo the fills so far), {@code offset} into its span. */
    record LookupFilled(int pick, long offset) implements Op {}

    /** An invalidation aimed at an earlier fill: {@code variant} picks the command, {@code ttl} a level hint. */
    record InvalidateFilled(int pick, int variant, int ttl) implements Op {
        TlbiCommand command(IotlbEntry e) {
            long page = e.va() & ~0xFFFL;
            if (e.kind() == IotlbEntry.Kind.STAGE2) {
                return switch (variant % 3) {
                    case 0 -> TlbiS2Ipa.of(e.vmid(), page, true);
                    case 1 -> new TlbiS2Ipa(e.vmid(), page, true, new TlbiRange(1, 0, 1, ttl));
                    default -> new TlbiS12Vmall(e.vmid());
                };
            }
            return switch (variant % 5) {
                case 0 -> TlbiNhVa.of(e.vmid(), e.asid(), page, true);
                case 1 -> new TlbiNhVa(e.vmid(), e.asid(), page, true, new TlbiRange(1, 0, 1, ttl));
                case 2 -> new TlbiNhVaa(e.vmid(), page, false, TlbiRange.NONE);
                case 3 -> new TlbiNhAsid(e.vmid(), e.asid());
                default -> TlbiS2Ipa.of(e.vmid(), page, false); // never reaches a stage-1 or nested entry
            };
        }
    }

    record History(IotlbConfig config, List<Op> ops, double snapshotAt, double cutAt) {}

    static Arbitrary<History> histories(int minCapacity, int maxCapacity, int maxOps) {
        // a third fully associative, a third set-associative (1 to 8 sets), a third with a micro-TLB as well
        Arbitrary<IotlbConfig> configs = Combinators.combine(
                Arbitraries.integers().between(minCapacity, maxCapacity),
                Arbitraries.of(IotlbPolicy.class), Arbitraries.longs(), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(1, 8), Arbitraries.integers().between(1, 6),
                Arbitraries.of(IotlbPolicy.class))
                .as((capacity, policy, seed, shape, sets, micro, microPolicy) -> {
                    if (shape == 0) {
                        return new IotlbConfig(capacity, policy, seed);
                    }
                    int ways = Math.max(1, capacity / sets);
                    return new IotlbConfig(ways * sets, ways, policy, seed, shape == 2 ? micro : 0, microPolicy);
                });
        Arbitrary<Op> ops = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, entries().map(Fill::new)),
                net.jqwik.api.Tuple.of(3, lookups()),
                net.jqwik.api.Tuple.of(5, Combinators.combine(Arbitraries.integers().between(0, 1000),
                        Arbitraries.longs().between(0, (1L << 30) - 1)).as(LookupFilled::new)),
                net.jqwik.api.Tuple.of(2, tlbis().map(Invalidate::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 3))
                        .as(InvalidateFilled::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Flush())));
        Arbitrary<Double> fraction = Arbitraries.doubles().between(0, 1);
        return Combinators.combine(configs, ops.list().ofMinSize(maxOps / 8).ofMaxSize(maxOps)
                .withSizeDistribution(net.jqwik.api.RandomDistribution.uniform()), fraction, fraction).as(History::new);
    }

    private static Arbitrary<Integer> vmids() {
        return Arbitraries.integers().between(0, 2);
    }

    private static Arbitrary<Integer> asids() {
        return Arbitraries.integers().between(0, 2);
    }

    /** Mostly the first 16 pages, sometimes anywhere in 8M. */
    private static Arbitrary<Long> addresses() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 15).map(p -> p << 12)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 2047).map(p -> p << 12)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, (8L << 20) - 1)));
    }

    static Arbitrary<IotlbEntry> entries() {
        Arbitrary<Perms> perms = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Perms::new);
        // Shape: granule, level and, for nested entries, the size (no larger than the level's).
        Arbitrary<int[]> shapes = Arbitraries.of(
                new int[] {0, 3, 12}, new int[] {0, 3, 12}, new int[] {0, 3, 12}, new int[] {0, 2, 21},
                new int[] {0, 2, 12}, new int[] {0, 1, 30}, new int[] {2, 3, 16}, new int[] {2, 2, 16});
        return Combinators.combine(Arbitraries.of(IotlbEntry.Kind.class), vmids(), asids(), addresses(), shapes,
                Arbitraries.longs().between(0, 1L << 20), perms).as((kind, vmid, asid, addr, shape, frame, p) -> {
                    Granule g = Granule.values()[shape[0]];
                    int level = shape[1];
                    long levelSize = g.entrySize(level);
                    long size = kind == IotlbEntry.Kind.NESTED ? 1L << shape[2] : levelSize;
                    long va = addr & -size;
                    long pa = (frame << 30) & -size;
                    int a = kind == IotlbEntry.Kind.STAGE2 ? IotlbEntry.NO_ASID : asid;
                    return new IotlbEntry(kind, vmid, a, va, size, g, level, pa, p);
                });
    }

    static Arbitrary<Op> lookups() {
        return Combinators.combine(vmids(), asids(), Arbitraries.of(IotlbEntry.Kind.class), addresses(),
                Arbitraries.longs().between(0, 0xFFF)).as((vmid, asid, kind, addr, offset) ->
                        new Lookup(vmid, kind == IotlbEntry.Kind.STAGE2 ? IotlbEntry.NO_ASID : asid, kind, addr | offset));
    }

    static Arbitrary<TlbiRange> ranges() {
        Arbitrary<TlbiRange> range = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 31),
                Arbitraries.integers().between(0, 3)).as((tg, scale, num, ttl) -> {
                    int n = tg != 0 && ttl == 0 && num == 0 && scale == 0 ? 1 : num; // reserved combination
                    int t = ttl == 1 && tg >= 2 ? 2 : ttl;                           // no level-1 leaves in 16K/64K
                    return new TlbiRange(tg, scale, n, t);
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, Arbitraries.just(TlbiRange.NONE)),
                net.jqwik.api.Tuple.of(3, range));
    }

    static Arbitrary<TlbiCommand> tlbis() {
        Arbitrary<Long> pages = addresses().map(a -> a & ~0xFFFL);
        Arbitrary<Boolean> leaf = Arbitraries.of(true, false);
        return Arbitraries.oneOf(
                Combinators.combine(vmids(), asids(), pages, leaf, ranges()).as(TlbiNhVa::new),
                Combinators.combine(vmids(), pages, leaf, ranges()).as(TlbiNhVaa::new),
                Combinators.combine(vmids(), asids()).as(TlbiNhAsid::new),
                vmids().map(TlbiNhAll::new),
                Combinators.combine(vmids(), pages, leaf, ranges()).as(TlbiS2Ipa::new),
                vmids().map(TlbiS12Vmall::new),
                Arbitraries.just(new TlbiNsnhAll()),
                Arbitraries.of(new TlbiEl2All(), new TlbiEl3All(), new TlbiEl2Asid(1)),
                Combinators.combine(asids(), pages, leaf, ranges()).as(TlbiEl2Va::new),
                Combinators.combine(pages, leaf, ranges()).as(TlbiEl2Vaa::new),
                Combinators.combine(pages, leaf, ranges()).as(TlbiEl3Va::new));
    }
}
