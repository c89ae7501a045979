package org.iommusim.persistence.iotlb;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.InvalidationSpan;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiS2Ipa;

/**
 * The pure state machine of one TBU's TLB (the name is older than TBUs): a
 * main TLB of {@code capacity} entries in {@code capacity / ways} sets, and
 * optionally a micro-TLB in front of it. {@code decide*} turns a request into
 * events without changing anything; {@link #apply} changes the state and is
 * the only thing replay runs. No Pekko, no I/O.
 *
 * <h2>Lookups</h2>
 * A stage-1 or nested stream looks up with its (VMID, ASID), a stage-2 stream
 * with (VMID, {@link IotlbEntry#NO_ASID}); stage-1-only streams use VMID 0.
 * Each entry kind is only found by streams of the same kind. A probe per entry
 * size present in the TLB (usually one or two), smallest first: where
 * entries of two sizes cover the address (software remapped without
 * invalidating) the smaller one answers. The hit path allocates nothing.
 *
 * <h2>Sets</h2>
 * An entry of size 2^s lives in set {@code (va >>> s) mod sets}: the address
 * bits just above the page offset index the set, as in hardware TLBs, so
 * consecutive pages fall in consecutive sets. A fill evicts within its set
 * only. With one set (the default) the TLB is fully associative.
 *
 * <h2>What is persisted, and what replay rebuilds</h2>
 * Fills, invalidations and flushes are events; lookups are not. Under LRU a hit
 * reorders entries, so after replay the replacement order can differ from the
 * live one (the replayed order is the order of last fills). Victims are
 * therefore chosen at decision time and named in {@link IotlbEvent.Filled}:
 * replay removes the same victim whatever its order says, so replaying a prefix
 * of the log rebuilds exactly the entry set the live TLB had at that point:
 * never an entry an invalidation in that prefix removed, never one it did not
 * hold. Under FIFO, RANDOM and FLUSH_ALL_WHEN_FULL hits change nothing and
 * the replacement order is rebuilt too. Hit and miss counters are not rebuilt.
 *
 * <h2>Replacement</h2>
 * A fill whose slot (kind, VMID, ASID, va, size) is cached replaces that
 * entry, evicting nothing. Otherwise, when its set is full: LRU evicts the
 * set's least recently filled or looked-up entry; FIFO its oldest fill; RANDOM
 * an entry of the set chosen by the TLB's SplitMix64 generator (its state is
 * part of the state, advanced by each random eviction, so replay and snapshots
 * are exact); FLUSH_ALL_WHEN_FULL empties the whole TLB first (QEMU's IOTLB,
 * which is fully associative: there "the set" is the TLB). A re-fill counts as
 * a fill: it moves the entry to the newest end under every policy.
 *
 * <h2>The micro-TLB</h2>
 * A small fully associative TLB looked up first; a miss there looks up the
 * main TLB, and a main hit or a walk fills it. It is inclusive: whatever
 * leaves the main TLB (eviction, invalidation, flush, re-fill of the slot)
 * leaves it too, so a TLBI needs no rule of its own for it. It is not
 * journaled: it starts empty after a restart (a TLB may always forget), and its
 * counters are the live ones only.
 *
 * <p>Not thread-safe: one actor owns a TLB.
 */
public final class IotlbShard {
    private IotlbConfig config;
    private final EntryIndex index = new EntryIndex();
    private ReplacementOrder[] sets;
    private IotlbShard micro;
    private final Counters counters;
    private long rngState;
    // the last AcksAhead marker said ahead (journal state: kept by snapshots, not by configure)
    private boolean acksAhead;

    private IotlbShard(IotlbConfig config, long rngState, Counters counters) {
        this.counters = counters;
        configure(config);
        this.rngState = rngState;
    }

    private void configure(IotlbConfig c) {
        this.config = c;
        this.sets = new ReplacementOrder[c.sets()];
        for (int i = 0; i < sets.length; i++) {
            sets[i] = new ReplacementOrder();
        }
        index.clear();
        this.rngState = c.seed();
        IotlbConfig m = c.micro();
        this.micro = m == null ? null : new IotlbShard(m, m.seed(), new Counters());
    }

    public static IotlbShard empty(IotlbConfig config) {
        return new IotlbShard(config, config.seed(), new Counters());
    }

    /** The TLB a snapshot was taken of: same entries in the same order, generator state and counters (micro-TLB empty). */
    public static IotlbShard restore(IotlbSnapshot snapshot) {
        IotlbShard shard = new IotlbShard(snapshot.config(), snapshot.rngState(), Counters.of(snapshot.stats()));
        shard.acksAhead = snapshot.acksAhead();
        for (IotlbEntry e : snapshot.entries()) {
            if (shard.index.get(e.kind().ordinal(), e.vmid(), e.asid(), e.va(), e.size()) != null) {
                throw new IllegalArgumentException("snapshot holds two entries in the slot of " + e);
            }
            if (shard.sets[shard.setOf(e)].size() >= shard.config.ways()) {
                throw new IllegalArgumentException("snapshot holds more than " + shard.config.ways()
                        + " entries in the set of " + e);
            }
            shard.insert(e);
        }
        return shard;
    }

    public IotlbSnapshot snapshot() {
        return new IotlbSnapshot(config, rngState, entries(), counters.snapshot(), acksAhead);
    }

    /** Whether the last {@link IotlbEvent.AcksAhead} marker applied said ahead. */
    public boolean acksAhead() {
        return acksAhead;
    }

    public IotlbConfig config() {
        return config;
    }

    public int size() {
        return index.size();
    }

    /** The cached entries in replacement order, set by set: within a set, the next to be evicted first. */
    public List<IotlbEntry> entries() {
        if (sets.length == 1) {
            return sets[0].entries();
        }
        List<IotlbEntry> out = new ArrayList<>(index.size());
        for (ReplacementOrder s : sets) {
            out.addAll(s.entries());
        }
        return out;
    }

    /**
     * The cached entries tagged ({@code kind}, {@code vmid}, {@code asid})
     * whose input span meets {@code [from, to)}: {@link #entries()} with the
     * others left out, in the same order. Over a few pages it is a handful of
     * index lookups instead of a walk of the TLB (an audit asks this of every
     * unmapped range).
     */
    public List<IotlbEntry> entriesMeeting(IotlbEntry.Kind kind, int vmid, int asid, long from, long to) {
        if (Long.compareUnsigned(from, to) >= 0) {
            return List.of();
        }
        long shifts = index.shiftsPresent();
        long lookups = 0;
        for (long rest = shifts; rest != 0 && lookups <= MAX_LOOKUPS; rest &= rest - 1) {
            int shift = Long.numberOfTrailingZeros(rest);
            long blocks = ((to - 1) >>> shift) - (from >>> shift) + 1;
            lookups = blocks <= 0 || blocks > MAX_LOOKUPS ? MAX_LOOKUPS + 1 : lookups + blocks;
        }
        List<IotlbEntry> out = new ArrayList<>();
        if (lookups > MAX_LOOKUPS || lookups > index.size()) {
            for (ReplacementOrder s : sets) {
                for (Node n = s.first(); n != null; n = n.next) {
                    if (n.kind == kind.ordinal() && n.vmid == vmid && n.asid == asid
                            && Long.compareUnsigned(n.va, to) < 0 && Long.compareUnsigned(from, n.va + n.size) < 0) {
                        out.add(n.entry);
                    }
                }
            }
            return out;
        }
        List<Node> found = new ArrayList<>();
        for (long rest = shifts; rest != 0; rest &= rest - 1) {
            int shift = Long.numberOfTrailingZeros(rest);
            for (long block = from >>> shift, last = (to - 1) >>> shift; block <= last; block++) {
                Node n = index.get(kind.ordinal(), vmid, asid, block << shift, 1L << shift);
                if (n != null) {
                    found.add(n);
                }
            }
        }
        found.sort((a, b) -> a.set != b.set ? Integer.compare(a.set, b.set) : Long.compare(a.placed, b.placed));
        for (Node n : found) {
            out.add(n.entry);
        }
        return out;
    }

    /** The RANDOM policy's generator state. */
    public long rngState() {
        return rngState;
    }

    public IotlbStats stats() {
        return counters.snapshot();
    }

    /** The micro-TLB's live counters; empty when the TLB has none. */
    public Optional<IotlbStats> microStats() {
        return micro == null ? Optional.empty() : Optional.of(micro.stats());
    }

    /** The micro-TLB's entries, most likely to be replaced first; empty when the TLB has none. */
    public List<IotlbEntry> microEntries() {
        return micro == null ? List.of() : micro.entries();
    }

    /** The set an entry lives in. */
    int setOf(IotlbEntry e) {
        return setOf(e.va(), e.size());
    }

    private int setOf(long va, long size) {
        return sets.length == 1 ? 0 : (int) Long.remainderUnsigned(va >>> Long.numberOfTrailingZeros(size), sets.length);
    }

    // ---- lookups: counted, LRU-ordering, never persisted ----

    /**
     * The entry translating {@code iova} for a stream of kind {@code stream}
     * tagged (VMID, ASID), or null on a miss. Counts the hit or miss and, under
     * LRU, makes the entry the most recently used. With a micro-TLB, looks
     * there first and fills it on a main-TLB hit. Allocates nothing on a hit.
     *
     * @param asid {@link IotlbEntry#NO_ASID} for a stage-2 stream, the CD's ASID otherwise
     */
    public IotlbEntry lookupOrNull(int vmid, int asid, IotlbEntry.Kind stream, long iova) {
        if (micro != null) {
            IotlbEntry m = micro.lookupOrNull(vmid, asid, stream, iova);
            if (m != null) {
                return m;
            }
        }
        Node n = probe(vmid, asid, stream, iova);
        if (n == null) {
            counters.misses++;
            return null;
        }
        counters.hits++;
        if (config.policy() == IotlbPolicy.LRU) {
            sets[n.set].moveToEnd(n);
        }
        if (micro != null) {
            micro.fill(n.entry);
        }
        return n.entry;
    }

    /** {@link #lookupOrNull} as an Optional, for callers off the hot path. */
    public Optional<IotlbEntry> lookup(int vmid, int asid, IotlbEntry.Kind stream, long iova) {
        return Optional.ofNullable(lookupOrNull(vmid, asid, stream, iova));
    }

    /** What {@link #lookup} would answer from the main TLB, without counting it or touching the replacement order. */
    public Optional<IotlbEntry> peek(int vmid, int asid, IotlbEntry.Kind stream, long iova) {
        Node n = probe(vmid, asid, stream, iova);
        return n == null ? Optional.empty() : Optional.of(n.entry);
    }

    private Node probe(int vmid, int asid, IotlbEntry.Kind stream, long iova) {
        if ((stream == IotlbEntry.Kind.STAGE2) != (asid == IotlbEntry.NO_ASID)) {
            throw new IllegalArgumentException("a " + stream + " stream looks up with "
                    + (stream == IotlbEntry.Kind.STAGE2 ? "NO_ASID" : "an ASID") + ", got asid=" + asid);
        }
        int kind = stream.ordinal();
        long shifts = index.shiftsPresent();
        while (shifts != 0) {
            int shift = Long.numberOfTrailingZeros(shifts);
            shifts &= shifts - 1;
            long size = 1L << shift;
            Node n = index.get(kind, vmid, asid, iova & -size, size);
            if (n != null) {
                return n;
            }
        }
        return null;
    }

    // ---- decisions: pure ----

    /**
     * The events that cache {@code entry}: one {@link IotlbEvent.Filled}
     * (naming its victim, if its set is full and the slot is new), preceded by
     * {@link IotlbEvent.Flushed} under FLUSH_ALL_WHEN_FULL when the set is full.
     */
    public List<IotlbEvent> decideFill(IotlbEntry entry) {
        boolean replaces = index.get(entry.kind().ordinal(), entry.vmid(), entry.asid(), entry.va(), entry.size()) != null;
        ReplacementOrder set = sets[setOf(entry)];
        if (replaces || set.size() < config.ways()) {
            return List.of(IotlbEvent.Filled.withoutEviction(entry));
        }
        return switch (config.policy()) {
            case LRU, FIFO -> List.of(new IotlbEvent.Filled(entry, set.first().entry));
            case RANDOM -> List.of(new IotlbEvent.Filled(entry, set.at(SplitMix64.index(rngState, set.size())).entry));
            case FLUSH_ALL_WHEN_FULL -> List.of(new IotlbEvent.Flushed(), IotlbEvent.Filled.withoutEviction(entry));
        };
    }

    /** The event recording {@code command}, with the number of entries it removes from the main TLB (0 for EL2/EL3). */
    public IotlbEvent.Invalidated decideInvalidate(TlbiCommand command) {
        List<Node> targets = targets(command);
        int removed = 0;
        if (targets != null) {
            removed = targets.size();
        } else {
            for (ReplacementOrder s : sets) {
                for (Node n = s.first(); n != null; n = n.next) {
                    if (Invalidation.matches(command, n.entry)) {
                        removed++;
                    }
                }
            }
        }
        return new IotlbEvent.Invalidated(command, removed);
    }

    /** An explicit whole flush. */
    public IotlbEvent.Flushed decideFlush() {
        return new IotlbEvent.Flushed();
    }

    // ---- event application: deterministic, the only path replay takes ----

    /** Applies {@code event} to this TLB and returns it (the TLB is mutable). */
    public IotlbShard apply(IotlbEvent event) {
        if (event instanceof IotlbEvent.Filled f) {
            applyFill(f);
        } else if (event instanceof IotlbEvent.Invalidated i) {
            applyInvalidate(i.command());
        } else if (event instanceof IotlbEvent.Flushed) {
            counters.flushes++;
            counters.flushedEntries += index.size();
            clear();
        } else if (event instanceof IotlbEvent.Configured c) {
            configure(c.config());
        } else if (event instanceof IotlbEvent.AcksAhead a) {
            if (a.ahead() && acksAhead) {
                clear(); // the run that marked this TLB ended without its clean close
            }
            acksAhead = a.ahead();
        } else {
            throw new IllegalArgumentException("not an IOTLB event: " + event);
        }
        return this;
    }

    /** Decides and applies a fill (and fills the micro-TLB); returns the events to persist. */
    public List<IotlbEvent> fill(IotlbEntry entry) {
        List<IotlbEvent> events = decideFill(entry);
        events.forEach(this::apply);
        filledMicro(entry);
        return events;
    }

    /** What a live fill does after its events: the walk's result goes into the micro-TLB too (not journaled). */
    void filledMicro(IotlbEntry entry) {
        if (micro != null) {
            micro.fill(entry);
        }
    }

    /** Decides and applies an invalidation; returns the event to persist. */
    public IotlbEvent.Invalidated invalidate(TlbiCommand command) {
        IotlbEvent.Invalidated event = decideInvalidate(command);
        apply(event);
        return event;
    }

    private void applyFill(IotlbEvent.Filled f) {
        counters.fills++;
        IotlbEntry e = f.entry();
        Node same = index.get(e.kind().ordinal(), e.vmid(), e.asid(), e.va(), e.size());
        if (same != null) {
            remove(same);
        }
        ReplacementOrder set = sets[setOf(e)];
        if (f.victim() != null) {
            IotlbEntry v = f.victim();
            Node victim = index.get(v.kind().ordinal(), v.vmid(), v.asid(), v.va(), v.size());
            if (victim != null) {
                remove(victim);
                counters.evictions++;
            }
            if (config.policy() == IotlbPolicy.RANDOM) {
                rngState = SplitMix64.advance(rngState);
            }
        }
        if (set.size() >= config.ways()) {
            // Only a log that is not a prefix of a live history gets here (a victim that was never filled):
            // stay within the set's ways, deterministically.
            remove(set.first());
            counters.evictions++;
        }
        insert(e);
    }

    private void applyInvalidate(TlbiCommand command) {
        if (micro != null) {
            micro.applyInvalidate(command); // first, so it counts what it held (inclusion would remove it anyway)
        }
        int removed = 0;
        List<Node> targets = targets(command);
        if (targets != null) {
            for (Node n : targets) {
                remove(n);
            }
            removed = targets.size();
        } else {
            for (ReplacementOrder s : sets) {
                for (Node n = s.first(); n != null; ) {
                    Node next = n.next;
                    if (Invalidation.matches(command, n.entry)) {
                        remove(n);
                        removed++;
                    }
                    n = next;
                }
            }
        }
        counters.invalidated(command.opcode(), removed);
    }

    /** Index lookups beyond which a TLBI scans the TLB instead (a scan reads every entry once). */
    private static final int MAX_LOOKUPS = 64;

    /**
     * The entries {@code command} removes, found through the index when it
     * names its tags exactly and a few addresses (TLBI_NH_VA, TLBI_S2_IPA over
     * a small span: entries are size-aligned, so only the aligned blocks of
     * each size present can overlap it), each confirmed by
     * {@link Invalidation#matches}, the one rule; null when a scan is cheaper
     * or the command is not of that kind. Which entries go is the same either
     * way; only the order of their removal differs, and nothing observes it.
     */
    private List<Node> targets(TlbiCommand command) {
        int[] kinds;
        int vmid;
        int asid;
        InvalidationSpan span;
        if (command instanceof TlbiNhVa c) {
            kinds = STAGE1_KINDS;
            vmid = c.vmid();
            asid = c.asid();
            span = c.span();
        } else if (command instanceof TlbiS2Ipa c) {
            kinds = STAGE2_KINDS;
            vmid = c.vmid();
            asid = IotlbEntry.NO_ASID;
            span = c.span();
        } else {
            return null;
        }
        long shifts = index.shiftsPresent();
        long lookups = 0;
        for (long rest = shifts; rest != 0; rest &= rest - 1) {
            int shift = Long.numberOfTrailingZeros(rest);
            long blocks = (span.last() >>> shift) - (span.first() >>> shift) + 1;
            lookups += blocks * kinds.length;
            if (blocks <= 0 || blocks > MAX_LOOKUPS || lookups > MAX_LOOKUPS || lookups > index.size()) {
                return null;
            }
        }
        List<Node> out = new ArrayList<>();
        for (int kind : kinds) {
            for (long rest = shifts; rest != 0; rest &= rest - 1) {
                int shift = Long.numberOfTrailingZeros(rest);
                long size = 1L << shift;
                for (long block = span.first() >>> shift, last = span.last() >>> shift; block <= last; block++) {
                    Node n = index.get(kind, vmid, asid, block << shift, size);
                    if (n != null && Invalidation.matches(command, n.entry)) {
                        out.add(n);
                    }
                }
            }
        }
        return out;
    }

    private static final int[] STAGE1_KINDS = {IotlbEntry.Kind.STAGE1.ordinal(), IotlbEntry.Kind.NESTED.ordinal()};
    private static final int[] STAGE2_KINDS = {IotlbEntry.Kind.STAGE2.ordinal()};

    private void clear() {
        for (ReplacementOrder s : sets) {
            s.clear();
        }
        index.clear();
        if (micro != null) {
            micro.clear();
        }
    }

    private void insert(IotlbEntry e) {
        Node n = new Node(e);
        n.set = setOf(e);
        index.put(n);
        sets[n.set].append(n);
    }

    /** Removes {@code n}, and its slot from the micro-TLB (which holds nothing the main TLB does not). */
    private void remove(Node n) {
        index.remove(n);
        sets[n.set].unlink(n);
        if (micro != null) {
            Node m = micro.index.get(n.kind, n.vmid, n.asid, n.va, n.size);
            if (m != null) {
                micro.remove(m);
            }
        }
    }

    @Override
    public String toString() {
        return "IotlbShard[" + config + ", " + index.size() + " entries]";
    }
}
