package org.iommusim.persistence.iotlb;

import java.util.List;
import java.util.Optional;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * The pure state machine of one IOTLB shard: {@code decide*} turns a request
 * into events without changing anything; {@link #apply} changes the state and
 * is the only thing replay runs. No Pekko, no I/O.
 *
 * <h2>Lookups</h2>
 * A stage-1 or nested stream looks up with its (VMID, ASID), a stage-2 stream
 * with (VMID, {@link IotlbEntry#NO_ASID}); stage-1-only streams use VMID 0.
 * Each entry kind is only found by streams of the same kind. A probe per entry
 * size present in the shard (usually one or two), smallest first: where
 * entries of two sizes cover the address (software remapped without
 * invalidating) the smaller one answers. The hit path allocates nothing.
 *
 * <h2>What is persisted, and what replay rebuilds</h2>
 * Fills, invalidations and flushes are events; lookups are not. Under LRU a hit
 * reorders entries, so after replay the replacement order can differ from the
 * live one (the replayed order is the order of last fills). Victims are
 * therefore chosen at decision time and named in {@link IotlbEvent.Filled}:
 * replay removes the same victim whatever its order says, so replaying a prefix
 * of the log rebuilds exactly the entry set the live shard had at that point:
 * never an entry an invalidation in that prefix removed, never one it did not
 * hold. Under FIFO, RANDOM and FLUSH_ALL_WHEN_FULL hits change nothing and
 * the replacement order is rebuilt too. Hit and miss counters are not rebuilt.
 *
 * <h2>Replacement</h2>
 * A fill whose slot (kind, VMID, ASID, va, size) is cached replaces that
 * entry, evicting nothing. Otherwise, when the shard is full: LRU evicts the
 * least recently filled or looked-up entry; FIFO the oldest fill; RANDOM an
 * entry chosen by the shard's SplitMix64 generator (its state is part of the
 * state, advanced by each random eviction, so replay and snapshots are exact);
 * FLUSH_ALL_WHEN_FULL empties the shard first (QEMU's IOTLB). A re-fill counts
 * as a fill: it moves the entry to the newest end under every policy.
 *
 * <p>Not thread-safe: one actor owns a shard.
 */
public final class IotlbShard {
    private final IotlbConfig config;
    private final EntryIndex index = new EntryIndex();
    private final ReplacementOrder order = new ReplacementOrder();
    private final Counters counters;
    private long rngState;

    private IotlbShard(IotlbConfig config, long rngState, Counters counters) {
        this.config = config;
        this.rngState = rngState;
        this.counters = counters;
    }

    public static IotlbShard empty(IotlbConfig config) {
        return new IotlbShard(config, config.seed(), new Counters());
    }

    /** The shard a snapshot was taken of: same entries in the same order, generator state and counters. */
    public static IotlbShard restore(IotlbSnapshot snapshot) {
        IotlbShard shard = new IotlbShard(snapshot.config(), snapshot.rngState(), Counters.of(snapshot.stats()));
        for (IotlbEntry e : snapshot.entries()) {
            if (shard.index.get(e.kind().ordinal(), e.vmid(), e.asid(), e.va(), e.size()) != null) {
                throw new IllegalArgumentException("snapshot holds two entries in the slot of " + e);
            }
            shard.insert(e);
        }
        return shard;
    }

    public IotlbSnapshot snapshot() {
        return new IotlbSnapshot(config, rngState, order.entries(), counters.snapshot());
    }

    public IotlbConfig config() {
        return config;
    }

    public int size() {
        return order.size();
    }

    /** The cached entries in replacement order: the next to be evicted first. */
    public List<IotlbEntry> entries() {
        return order.entries();
    }

    /** The RANDOM policy's generator state. */
    public long rngState() {
        return rngState;
    }

    public IotlbStats stats() {
        return counters.snapshot();
    }

    // ---- lookups: counted, LRU-ordering, never persisted ----

    /**
     * The entry translating {@code iova} for a stream of kind {@code stream}
     * tagged (VMID, ASID), or null on a miss. Counts the hit or miss and, under
     * LRU, makes the entry the most recently used. Allocates nothing.
     *
     * @param asid {@link IotlbEntry#NO_ASID} for a stage-2 stream, the CD's ASID otherwise
     */
    public IotlbEntry lookupOrNull(int vmid, int asid, IotlbEntry.Kind stream, long iova) {
        Node n = probe(vmid, asid, stream, iova);
        if (n == null) {
            counters.misses++;
            return null;
        }
        counters.hits++;
        if (config.policy() == IotlbPolicy.LRU) {
            order.moveToEnd(n);
        }
        return n.entry;
    }

    /** {@link #lookupOrNull} as an Optional, for callers off the hot path. */
    public Optional<IotlbEntry> lookup(int vmid, int asid, IotlbEntry.Kind stream, long iova) {
        return Optional.ofNullable(lookupOrNull(vmid, asid, stream, iova));
    }

    /** What {@link #lookup} would answer, without counting it or touching the replacement order (for inspection). */
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
     * (naming its victim, if the shard is full and the slot is new), preceded by
     * {@link IotlbEvent.Flushed} under FLUSH_ALL_WHEN_FULL when full.
     */
    public List<IotlbEvent> decideFill(IotlbEntry entry) {
        boolean replaces = index.get(entry.kind().ordinal(), entry.vmid(), entry.asid(), entry.va(), entry.size()) != null;
        if (replaces || order.size() < config.capacity()) {
            return List.of(IotlbEvent.Filled.withoutEviction(entry));
        }
        return switch (config.policy()) {
            case LRU, FIFO -> List.of(new IotlbEvent.Filled(entry, order.first().entry));
            case RANDOM -> List.of(new IotlbEvent.Filled(entry, order.at(SplitMix64.index(rngState, order.size())).entry));
            case FLUSH_ALL_WHEN_FULL -> List.of(new IotlbEvent.Flushed(), IotlbEvent.Filled.withoutEviction(entry));
        };
    }

    /** The event recording {@code command}, with the number of entries it removes from this shard (0 for EL2/EL3). */
    public IotlbEvent.Invalidated decideInvalidate(TlbiCommand command) {
        int removed = 0;
        for (Node n = order.first(); n != null; n = n.next) {
            if (Invalidation.matches(command, n.entry)) {
                removed++;
            }
        }
        return new IotlbEvent.Invalidated(command, removed);
    }

    /** An explicit whole flush. */
    public IotlbEvent.Flushed decideFlush() {
        return new IotlbEvent.Flushed();
    }

    // ---- event application: deterministic, the only path replay takes ----

    /** Applies {@code event} to this shard and returns it (the shard is mutable). */
    public IotlbShard apply(IotlbEvent event) {
        if (event instanceof IotlbEvent.Filled f) {
            applyFill(f);
        } else if (event instanceof IotlbEvent.Invalidated i) {
            applyInvalidate(i.command());
        } else if (event instanceof IotlbEvent.Flushed) {
            counters.flushes++;
            counters.flushedEntries += order.size();
            order.clear();
            index.clear();
        } else {
            throw new IllegalArgumentException("not an IOTLB event: " + event);
        }
        return this;
    }

    /** Decides and applies a fill; returns the events to persist. */
    public List<IotlbEvent> fill(IotlbEntry entry) {
        List<IotlbEvent> events = decideFill(entry);
        events.forEach(this::apply);
        return events;
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
        if (order.size() >= config.capacity()) {
            // Only a log that is not a prefix of a live history gets here (a victim that was never filled):
            // stay within capacity, deterministically.
            remove(order.first());
            counters.evictions++;
        }
        insert(e);
    }

    private void applyInvalidate(TlbiCommand command) {
        int removed = 0;
        for (Node n = order.first(); n != null; ) {
            Node next = n.next;
            if (Invalidation.matches(command, n.entry)) {
                remove(n);
                removed++;
            }
            n = next;
        }
        counters.invalidated(command.opcode(), removed);
    }

    private void insert(IotlbEntry e) {
        Node n = new Node(e);
        index.put(n);
        order.append(n);
    }

    private void remove(Node n) {
        index.remove(n);
        order.unlink(n);
    }

    @Override
    public String toString() {
        return "IotlbShard[" + config + ", " + order.size() + " entries]";
    }
}
