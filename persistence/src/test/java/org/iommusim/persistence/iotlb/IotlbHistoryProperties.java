package org.iommusim.persistence.iotlb;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.iommusim.persistence.iotlb.IotlbArbitraries.Fill;
import org.iommusim.persistence.iotlb.IotlbArbitraries.Flush;
import org.iommusim.persistence.iotlb.IotlbArbitraries.History;
import org.iommusim.persistence.iotlb.IotlbArbitraries.Invalidate;
import org.iommusim.persistence.iotlb.IotlbArbitraries.InvalidateFilled;
import org.iommusim.persistence.iotlb.IotlbArbitraries.Lookup;
import org.iommusim.persistence.iotlb.IotlbArbitraries.LookupFilled;
import org.iommusim.persistence.iotlb.IotlbArbitraries.Op;
import org.iommusim.protocol.capability.IotlbPolicy;

/**
 * Random histories of fills, lookups, invalidations and flushes, for every
 * policy, fully associative, set-associative, and with a micro-TLB:
 * <ul>
 *   <li>live: after every step the shard holds exactly the naive
 *       {@link ReferenceIotlb}'s entries in its order, and every lookup answers
 *       as the reference does;</li>
 *   <li>replay: the logged events (through their codecs), from empty or from a
 *       snapshot (through its codec) taken at a random point, rebuild the live
 *       entry set;</li>
 *   <li>crash: cut the log at a random prefix and rebuild: the result never
 *       holds an entry that an invalidation or flush in the prefix removed (and
 *       that was not filled again), is a subset of, and in fact equal to, the
 *       live set at the cut; its order is the live order for FIFO, RANDOM and
 *       FLUSH_ALL, and for LRU the snapshot's order followed by the order of
 *       last fills (hits are not logged).</li>
 * </ul>
 */
class IotlbHistoryProperties {

    @Provide
    Arbitrary<History> smallShards() {
        return IotlbArbitraries.histories(1, 8, 80);
    }

    @Provide
    Arbitrary<History> largeShards() {
        return IotlbArbitraries.histories(40, 400, 800);
    }

    @Property(tries = 1000)
    void smallShardAgreesWithTheReferenceAndReplaysExactly(@ForAll("smallShards") History h) {
        check(h);
    }

    @Property(tries = 40)
    void largeShardAgreesWithTheReferenceAndReplaysExactly(@ForAll("largeShards") History h) {
        check(h);
    }

    private record Slot(IotlbEntry.Kind kind, int vmid, int asid, long va, long size) {
        static Slot of(IotlbEntry e) {
            return new Slot(e.kind(), e.vmid(), e.asid(), e.va(), e.size());
        }
    }

    private void check(History h) {
        // as a TBU's journal does: the log starts by naming the configuration (here replacing another)
        IotlbShard live = IotlbShard.empty(new IotlbConfig(1, IotlbPolicy.FIFO, 0));
        ReferenceIotlb ref = new ReferenceIotlb(h.config());
        List<IotlbEvent> log = new ArrayList<>();
        List<IotlbSnapshot> after = new ArrayList<>(); // after.get(i): the live shard once i events were applied
        after.add(live.snapshot());
        IotlbEvent.Configured configured = new IotlbEvent.Configured(h.config());
        live.apply(configured);
        log.add(configured);
        after.add(live.snapshot());
        int hits = 0;
        int removed = 0;
        List<IotlbEntry> filled = new ArrayList<>();
        for (Op planned : h.ops()) {
            Op op = planned;
            if (planned instanceof LookupFilled lf) {
                if (filled.isEmpty()) {
                    continue;
                }
                IotlbEntry target = filled.get(lf.pick() % filled.size());
                op = new Lookup(target.vmid(), target.asid(), target.kind(), target.va() + (lf.offset() & (target.size() - 1)));
            }
            if (planned instanceof InvalidateFilled inf) {
                if (filled.isEmpty()) {
                    continue;
                }
                op = new Invalidate(inf.command(filled.get(inf.pick() % filled.size())));
            }
            if (op instanceof Fill f) {
                for (IotlbEvent e : live.decideFill(f.entry())) {
                    live.apply(e);
                    log.add(e);
                    after.add(live.snapshot());
                }
                live.filledMicro(f.entry());
                ref.fill(f.entry());
                filled.add(f.entry());
            } else if (op instanceof Lookup l) {
                IotlbEntry expected = ref.lookup(l.vmid(), l.asid(), l.kind(), l.iova());
                assertEquals(expected, live.lookupOrNull(l.vmid(), l.asid(), l.kind(), l.iova()), l.toString());
                hits += expected == null ? 0 : 1;
            } else if (op instanceof Invalidate i) {
                IotlbEvent.Invalidated e = live.decideInvalidate(i.command());
                int before = live.size();
                live.apply(e);
                assertEquals(before - live.size(), e.removed(), "decided count = removed count");
                log.add(e);
                after.add(live.snapshot());
                ref.invalidate(i.command());
                removed += e.removed();
            } else if (op instanceof Flush) {
                IotlbEvent e = live.decideFlush();
                live.apply(e);
                log.add(e);
                after.add(live.snapshot());
                ref.flush();
            }
            assertEquals(ref.order(), live.entries(), "after " + op);
            assertEquals(ref.microOrder(), live.microEntries(), "the micro-TLB after " + op);
            assertTrue(new HashSet<>(live.entries()).containsAll(live.microEntries()), "the micro-TLB is inclusive");
            assertTrue(live.size() <= h.config().capacity());
        }
        if (h.config().policy() == IotlbPolicy.RANDOM) {
            assertEquals(ref.rng(), live.rngState());
        }
        assertEquals(hits, live.stats().hits() + live.microStats().map(IotlbStats::hits).orElse(0L),
                "a hit is counted once: by the micro-TLB or by the main TLB");
        Statistics.label("policy").collect(h.config().policy());
        Statistics.label("shape").collect(h.config().microEntries() > 0 ? "micro-TLB"
                : h.config().sets() > 1 ? "set-associative" : "fully associative");
        Statistics.label("lookups hit").collect(hits == 0 ? "none" : hits < 5 ? "1-4" : "5+");
        Statistics.label("invalidated entries").collect(removed == 0 ? "none" : removed < 5 ? "1-4" : "5+");
        long evictions = live.stats().evictions() + live.stats().flushes();
        Statistics.label("evictions or flushes").collect(evictions == 0 ? "none" : evictions < 5 ? "1-4" : "5+");

        int n = log.size();
        int cut = (int) Math.round(h.cutAt() * n);
        int snap = (int) Math.round(h.snapshotAt() * cut);
        rebuildAndCompare(h.config(), log, after, 0, n);
        rebuildAndCompare(h.config(), log, after, snap, n);
        rebuildAndCompare(h.config(), log, after, 0, cut);
        rebuildAndCompare(h.config(), log, after, snap, cut);
    }

    /** Restores the snapshot taken after {@code from} events, applies events up to {@code cut}, and checks the result. */
    private void rebuildAndCompare(IotlbConfig config, List<IotlbEvent> log, List<IotlbSnapshot> after, int from, int cut) {
        IotlbShard rebuilt = IotlbShard.restore(viaCodec(IotlbCodecs.SNAPSHOT, after.get(from)));
        for (int i = from; i < cut; i++) {
            rebuilt.apply(viaCodec(log.get(i)));
        }
        IotlbSnapshot liveAtCut = after.get(cut);
        List<IotlbEntry> entries = rebuilt.entries();

        // (a) nothing removed before the cut comes back, unless filled again after the removal
        for (IotlbEntry e : entries) {
            int lastFill = -1;
            for (int j = 0; j < cut; j++) {
                if (log.get(j) instanceof IotlbEvent.Filled f && f.entry().equals(e)) {
                    lastFill = j;
                }
            }
            assertTrue(lastFill >= 0, "rebuilt entry never filled: " + e);
            for (int j = lastFill + 1; j < cut; j++) {
                IotlbEvent later = log.get(j);
                assertFalse(later instanceof IotlbEvent.Flushed, "rebuilt entry survived a flush: " + e);
                if (later instanceof IotlbEvent.Invalidated inv) {
                    assertFalse(Invalidation.matches(inv.command(), e), "rebuilt entry survived " + inv + ": " + e);
                }
            }
        }
        // (b) a subset of the live set, and (c) equal to it
        Set<IotlbEntry> rebuiltSet = new HashSet<>(entries);
        assertEquals(entries.size(), rebuiltSet.size());
        assertTrue(new HashSet<>(liveAtCut.entries()).containsAll(rebuiltSet));
        assertEquals(new HashSet<>(liveAtCut.entries()), rebuiltSet);

        // Order: hits are not logged, so the rebuilt order is the snapshot's, then the order of last fills.
        Map<Slot, Integer> lastFillSince = new HashMap<>();
        for (int j = from; j < cut; j++) {
            if (log.get(j) instanceof IotlbEvent.Filled f) {
                lastFillSince.put(Slot.of(f.entry()), j);
            }
        }
        // ... set by set (entries() lists the sets in turn)
        List<IotlbEntry> expected = new ArrayList<>();
        for (int set = 0; set < config.sets(); set++) {
            int s = set;
            for (IotlbEntry e : after.get(from).entries()) {
                if (rebuilt.setOf(e) == s && !lastFillSince.containsKey(Slot.of(e)) && rebuiltSet.contains(e)) {
                    expected.add(e);
                }
            }
            entries.stream().filter(e -> rebuilt.setOf(e) == s && lastFillSince.containsKey(Slot.of(e)))
                    .sorted(Comparator.comparing(e -> lastFillSince.get(Slot.of(e)))).forEach(expected::add);
        }
        assertEquals(expected, entries);
        if (config.policy() != IotlbPolicy.LRU) {
            assertEquals(liveAtCut.entries(), entries, "hits do not reorder " + config.policy());
        }
        assertEquals(liveAtCut.rngState(), rebuilt.rngState());
        assertEquals(liveAtCut.stats().withoutLookups(), rebuilt.stats().withoutLookups());
    }

    private static IotlbEvent viaCodec(IotlbEvent e) {
        if (e instanceof IotlbEvent.Filled f) {
            return viaCodec(IotlbCodecs.FILLED, f);
        }
        if (e instanceof IotlbEvent.Invalidated i) {
            return viaCodec(IotlbCodecs.INVALIDATED, i);
        }
        if (e instanceof IotlbEvent.Configured c) {
            return viaCodec(IotlbCodecs.CONFIGURED, c);
        }
        return viaCodec(IotlbCodecs.FLUSHED, (IotlbEvent.Flushed) e);
    }

    private static <T> T viaCodec(org.iommusim.persistence.serialization.BinaryCodec<T> codec, T value) {
        try {
            T back = IotlbCodecsTest.roundTrip(codec, value);
            assertEquals(value, back);
            return back;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
