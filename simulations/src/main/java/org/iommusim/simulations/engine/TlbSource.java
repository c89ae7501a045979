package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.iommusim.actors.api.CachedTranslation;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.Smmu;

/**
 * The TBU TLBs as a {@link CacheSource}: each reading asks every SMMU's
 * translation workers for their TLBs' entries ({@link IommuSim#cachedTranslations})
 * and indexes them the way a TLB looks up: by tags, then by the entry's
 * size-aligned input address (and, for stage-2 changes under nested streams,
 * by output address). Whether an entry is hit is the entry's own answer
 * ({@link CachedTranslation#hitBy}); the micro-TLBs are inclusive of their
 * TLBs, so the TLBs hold everything a TBU can translate from.
 */
final class TlbSource implements CacheSource {
    private final Function<Smmu, IommuSim> sim;
    private final Supplier<? extends Iterable<Smmu>> smmus;

    /** {@code sim}: the model serving an SMMU (read at each reading: a restart replaces it). */
    TlbSource(Function<Smmu, IommuSim> sim, Supplier<? extends Iterable<Smmu>> smmus) {
        this.sim = sim;
        this.smmus = smmus;
    }

    /**
     * A reading asks the model lazily: each lookup by input range asks the
     * TLBs for that range's entries only ({@link IommuSim#cachedTranslations(Smmu,
     * CachedTranslation.Kind, int, int, long, long)}); a lookup by output
     * address reads every entry once. In deterministic mode nothing changes
     * the TLBs between an audit's questions (the model runs only to answer
     * them), so the answers are those of one reading of the whole TLBs.
     */
    @Override
    public Reading read() {
        List<Smmu> now = new ArrayList<>();
        smmus.get().forEach(now::add);
        Map<Smmu, IommuSim> model = new HashMap<>();
        now.forEach(s -> model.put(s, sim.apply(s)));
        return new TlbReading(() -> {
            List<CachedTranslation> all = new ArrayList<>();
            for (Smmu s : now) {
                all.addAll(model.get(s).cachedTranslations(s));
            }
            return all;
        }, (tags, from, to) -> {
            List<CachedTranslation> all = new ArrayList<>();
            for (Smmu s : now) {
                all.addAll(model.get(s).cachedTranslations(s, CachedTranslation.Kind.valueOf(tags.kind()), tags.vmid(),
                        tags.asid(), from, to));
            }
            return all;
        });
    }

    /** The entries tagged {@code tags} whose input span meets {@code [from, to)}, in reading order. */
    interface RangeQuery {
        List<CachedTranslation> entries(Tags tags, long from, long to);
    }

    private record Key(Tags tags, long aligned, long size) {}

    private static final class TlbReading implements Reading {
        /** Queries answered by a scan before the reading builds its index (a strict unmap asks one or two). */
        private static final int SCANS = 8;
        private static final java.util.Set<String> KINDS = java.util.Arrays.stream(CachedTranslation.Kind.values())
                .map(Enum::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
        private final Supplier<List<CachedTranslation>> all;
        private final RangeQuery range;
        private List<CachedTranslation> entries;
        private int queries;
        private boolean built;
        private final Map<Key, List<CachedTranslation>> byInput = new HashMap<>();
        private final Map<Key, List<CachedTranslation>> byOutput = new HashMap<>();
        private final Map<Tags, TreeSet<Long>> sizes = new HashMap<>();

        TlbReading(Supplier<List<CachedTranslation>> all, RangeQuery range) {
            this.all = all;
            this.range = range;
        }

        /** Every entry, read at the first question that needs them all. */
        private List<CachedTranslation> entries() {
            if (entries == null) {
                entries = all.get();
            }
            return entries;
        }

        /** Counts a question: the first few are answered as a scan would order them, later ones as the index would. */
        private boolean indexed() {
            return ++queries > SCANS;
        }

        private void built() {
            if (!built) {
                built = true;
                index();
            }
        }

        /** A scan: every entry with these tags whose input (or output) span meets [from, to). */
        private List<Held> scan(Tags tags, long from, long to, boolean byInput) {
            List<Held> out = new ArrayList<>();
            for (CachedTranslation e : entries()) {
                if (!e.kind().name().equals(tags.kind()) || e.vmid() != tags.vmid() || e.asid() != tags.asid()) {
                    continue;
                }
                long start = byInput ? e.va() : e.translate(e.va());
                if (Long.compareUnsigned(start, to) < 0 && Long.compareUnsigned(from, start + e.size()) < 0
                        && (!byInput || e.hitBy(e.kind(), tags.vmid(), tags.asid(), Math.max(start, from)))) {
                    out.add(held(e));
                }
            }
            return out;
        }

        private void index() {
            for (CachedTranslation e : entries()) {
                Tags t = new Tags(e.kind().name(), e.vmid(), e.asid());
                sizes.computeIfAbsent(t, k -> new TreeSet<>()).add(e.size());
                byInput.computeIfAbsent(new Key(t, e.va(), e.size()), k -> new ArrayList<>(1)).add(e);
                long pa = e.translate(e.va());
                byOutput.computeIfAbsent(new Key(t, pa, e.size()), k -> new ArrayList<>(1)).add(e);
            }
        }

        @Override
        public List<Held> hitting(Tags tags, long from, long to) {
            boolean indexed = indexed();
            if (!KINDS.contains(tags.kind())) {
                return List.of(); // tags no TLB entry carries (a nested stream's stage-1 walk)
            }
            if (Long.compareUnsigned(from, to) >= 0) {
                // what a whole reading answers for an empty range
                if (indexed) {
                    built();
                    return find(byInput, tags, from, to, true);
                }
                return scan(tags, from, to, true);
            }
            List<CachedTranslation> meeting = new ArrayList<>(range.entries(tags, from, to));
            if (indexed) {
                // the index answers size by size, then by address (a stable sort keeps reading order within one)
                meeting.sort(java.util.Comparator.comparingLong(CachedTranslation::size)
                        .thenComparing(CachedTranslation::va, Long::compareUnsigned));
            }
            List<Held> out = new ArrayList<>(meeting.size());
            for (CachedTranslation e : meeting) {
                if (e.hitBy(e.kind(), tags.vmid(), tags.asid(), Math.max(e.va(), from))) {
                    out.add(held(e));
                }
            }
            return out;
        }

        @Override
        public List<Held> outputInto(Tags tags, long paFrom, long paTo) {
            if (indexed()) {
                built();
                return find(byOutput, tags, paFrom, paTo, false);
            }
            return scan(tags, paFrom, paTo, false);
        }

        private List<Held> find(Map<Key, List<CachedTranslation>> index, Tags tags, long from, long to,
                boolean byInput) {
            TreeSet<Long> present = sizes.get(tags);
            if (present == null || Long.compareUnsigned(from, to) >= 0) {
                return List.of();
            }
            List<Held> out = new ArrayList<>();
            for (long size : present) {
                for (long a = from & -size; Long.compareUnsigned(a, to) < 0; a += size) {
                    List<CachedTranslation> es = index.get(new Key(tags, a, size));
                    if (es != null) {
                        for (CachedTranslation e : es) {
                            if (!byInput || e.hitBy(e.kind(), tags.vmid(), tags.asid(), Math.max(a, from))) { // the index's kind
                                out.add(held(e));
                            }
                        }
                    }
                    if (a + size == 0) {
                        break;
                    }
                }
            }
            return out;
        }

        private static Held held(CachedTranslation e) {
            return new Held(() -> e.smmu() + "/tbu-" + e.tbu() + " TLB", () -> {
                String s = e.toString();
                return s.substring(s.indexOf(' ') + 1);
            }, e.va(), e.size(), e::translate);
        }
    }
}
