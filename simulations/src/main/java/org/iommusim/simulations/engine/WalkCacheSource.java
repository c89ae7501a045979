package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.iommusim.actors.api.CachedWalk;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.domain.DomainId;

/**
 * The TCU's walk caches and IPA cache as a {@link CacheSource}: each reading
 * takes what every SMMU's TCU holds ({@link IommuSim#cachedWalks}). The walk
 * caches hold descriptors stage by stage, so a domain is reached through its
 * own stage's entries by input address: a stage-1 domain by its tags, a
 * nested stream's stage-1 domain by {@link #NESTED_S1} tags (its leaves give
 * IPAs), a stage-2 domain by its VMID (walk caches and IPA cache).
 *
 * <ul>
 *   <li>A leaf entry (block or page descriptor, or an IPA-cache result) the
 *       lookup finds answers with the output its cached descriptor gives:
 *       the audit's rule for a TLB entry holds for it unchanged
 *       ({@code STALE_AFTER_SYNC}).</li>
 *   <li>A table entry the lookup finds answers only when the table page it
 *       names is no longer in place (freed): it has no output of its own
 *       ({@code translate} gives -1), any walk it leads reads freed memory
 *       ({@code STALE_WALK_AFTER_SYNC}). One naming a live table leads the
 *       walk to what the tables say now, which is no stale answer.</li>
 * </ul>
 * What the lookup finds, what a leaf gives and whether a table page is in
 * place are the TCU's own answers ({@link CachedWalk}).
 */
final class WalkCacheSource implements CacheSource {
    /** The tags of a nested stream's stage-1 walk: walk-cache entries only (the TLBs hold nested results). */
    static final String NESTED_S1 = "NESTED-S1";

    /** One TCU entry as the audit asks it: {@link CachedWalk}'s answers (a test reads a hand-built TCU). */
    interface Entry {
        /** Where it is held, e.g. {@code smmu-0 walk-s1-l3}. */
        String cache();

        /** The entry as its cache names it. */
        String describe();

        int stage();

        int vmid();

        int asid();

        long va();

        long size();

        boolean leaf();

        boolean hitBy(int stage, int vmid, int asid, long address);

        long translate(DomainId domain, long address);

        boolean inPlace(DomainId domain);
    }

    private final Supplier<? extends List<? extends Entry>> entries;
    private final Function<Tags, DomainId> domainOf;

    /**
     * @param entries  what the TCUs hold now, read once per reading
     * @param domainOf the domain whose tables the entries tagged so were read from (null: none)
     */
    WalkCacheSource(Supplier<? extends List<? extends Entry>> entries, Function<Tags, DomainId> domainOf) {
        this.entries = entries;
        this.domainOf = domainOf;
    }

    /** Over the model: every SMMU's TCU, through the facade. */
    static WalkCacheSource of(Function<Smmu, IommuSim> sim, Supplier<? extends Iterable<Smmu>> smmus,
            Function<Tags, DomainId> domainOf) {
        return new WalkCacheSource(() -> {
            List<Entry> all = new ArrayList<>();
            for (Smmu s : smmus.get()) {
                for (CachedWalk w : sim.apply(s).cachedWalks(s)) {
                    all.add(entry(w));
                }
            }
            return all;
        }, domainOf);
    }

    private static Entry entry(CachedWalk w) {
        return new Entry() {
            @Override
            public String cache() {
                return w.smmu() + " " + w.cache();
            }

            @Override
            public String describe() {
                String s = w.toString();
                return s.substring(s.indexOf('['));
            }

            @Override
            public int stage() {
                return w.stage();
            }

            @Override
            public int vmid() {
                return w.vmid();
            }

            @Override
            public int asid() {
                return w.asid();
            }

            @Override
            public long va() {
                return w.va();
            }

            @Override
            public long size() {
                return w.size();
            }

            @Override
            public boolean leaf() {
                return w.leaf();
            }

            @Override
            public boolean hitBy(int stage, int vmid, int asid, long address) {
                return w.hitBy(stage, vmid, asid, address);
            }

            @Override
            public long translate(DomainId domain, long address) {
                return w.translate(domain, address);
            }

            @Override
            public boolean inPlace(DomainId domain) {
                return w.inPlace(domain);
            }
        };
    }

    /** The stage of the walk a stream tagged so makes through these caches; 0 for none. */
    static int stageOf(Tags tags) {
        return switch (tags.kind()) {
            case "STAGE1", NESTED_S1 -> 1;
            case "STAGE2" -> 2;
            default -> 0; // a nested stream's whole result lives in the TLBs only
        };
    }

    @Override
    public Reading read() {
        Map<Key, List<Entry>> byTags = new HashMap<>();
        for (Entry e : entries.get()) {
            byTags.computeIfAbsent(new Key(e.stage(), e.vmid(), e.asid()), k -> new ArrayList<>()).add(e);
        }
        return new WalkReading(byTags);
    }

    private record Key(int stage, int vmid, int asid) {}

    private final class WalkReading implements Reading {
        private final Map<Key, List<Entry>> byTags;

        WalkReading(Map<Key, List<Entry>> byTags) {
            this.byTags = byTags;
        }

        @Override
        public List<Held> hitting(Tags tags, long from, long to) {
            int stage = stageOf(tags);
            List<Entry> candidates = stage == 0 ? null : byTags.get(new Key(stage, tags.vmid(), tags.asid()));
            DomainId domain = candidates == null ? null : domainOf.apply(tags);
            if (domain == null || Long.compareUnsigned(from, to) >= 0) {
                return List.of();
            }
            List<Held> out = new ArrayList<>();
            for (Entry e : candidates) {
                if (Long.compareUnsigned(e.va(), to) >= 0 || Long.compareUnsigned(from, e.va() + e.size()) >= 0) {
                    continue;
                }
                long a = Long.compareUnsigned(e.va(), from) > 0 ? e.va() : from;
                if (!e.hitBy(stage, tags.vmid(), tags.asid(), a)) {
                    continue;
                }
                if (e.leaf()) {
                    out.add(new Held(e::cache, e::describe, e.va(), e.size(), x -> e.translate(domain, x)));
                } else if (!e.inPlace(domain)) {
                    out.add(new Held(e::cache, e::describe, e.va(), e.size(), x -> -1));
                }
            }
            return out;
        }

        /** Walk-cache entries hold one stage each: none is found by a nested stream's final output. */
        @Override
        public List<Held> outputInto(Tags tags, long paFrom, long paTo) {
            return List.of();
        }
    }
}
