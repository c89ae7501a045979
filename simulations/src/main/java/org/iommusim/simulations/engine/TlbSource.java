package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
    private final Supplier<IommuSim> sim;
    private final Supplier<? extends Iterable<Smmu>> smmus;

    TlbSource(Supplier<IommuSim> sim, Supplier<? extends Iterable<Smmu>> smmus) {
        this.sim = sim;
        this.smmus = smmus;
    }

    @Override
    public Reading read() {
        List<CachedTranslation> all = new ArrayList<>();
        for (Smmu s : smmus.get()) {
            all.addAll(sim.get().cachedTranslations(s));
        }
        return new TlbReading(all);
    }

    private record Key(Tags tags, long aligned, long size) {}

    private static final class TlbReading implements Reading {
        /** Queries answered by a scan before the reading builds its index (a strict unmap asks one or two). */
        private static final int SCANS = 8;
        private final List<CachedTranslation> entries;
        private int queries;
        private final Map<Key, List<CachedTranslation>> byInput = new HashMap<>();
        private final Map<Key, List<CachedTranslation>> byOutput = new HashMap<>();
        private final Map<Tags, TreeSet<Long>> sizes = new HashMap<>();

        TlbReading(List<CachedTranslation> entries) {
            this.entries = entries;
        }

        private boolean indexed() {
            if (++queries <= SCANS) {
                return false;
            }
            if (queries == SCANS + 1) {
                index();
            }
            return true;
        }

        /** A scan: every entry with these tags whose input (or output) span meets [from, to). */
        private List<Held> scan(Tags tags, long from, long to, boolean byInput) {
            List<Held> out = new ArrayList<>();
            for (CachedTranslation e : entries) {
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
            for (CachedTranslation e : entries) {
                Tags t = new Tags(e.kind().name(), e.vmid(), e.asid());
                sizes.computeIfAbsent(t, k -> new TreeSet<>()).add(e.size());
                byInput.computeIfAbsent(new Key(t, e.va(), e.size()), k -> new ArrayList<>(1)).add(e);
                long pa = e.translate(e.va());
                byOutput.computeIfAbsent(new Key(t, pa, e.size()), k -> new ArrayList<>(1)).add(e);
            }
        }

        @Override
        public List<Held> hitting(Tags tags, long from, long to) {
            return indexed() ? find(byInput, tags, from, to, true) : scan(tags, from, to, true);
        }

        @Override
        public List<Held> outputInto(Tags tags, long paFrom, long paTo) {
            return indexed() ? find(byOutput, tags, paFrom, paTo, false) : scan(tags, paFrom, paTo, false);
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
