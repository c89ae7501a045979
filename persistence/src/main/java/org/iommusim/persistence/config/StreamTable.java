package org.iommusim.persistence.config;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CfgiSteRange;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.StreamTableFormat;

/**
 * The stream table as the SMMU walks it (Arm IHI 0070, 3.3): its format
 * (SMMU_STRTAB_BASE_CFG), and for a two-level table the level-1 descriptors
 * as software wrote them ({@code memory}) and those held in the configuration
 * cache ({@code cached}). Immutable.
 *
 * <p>Which StreamIDs the table reaches: those below 2^LOG2SIZE (LOG2SIZE no
 * larger than SIDSIZE), and in a two-level table only those whose L1STD is
 * valid and whose level-2 array holds their STE (StreamID[SPLIT-1:0] below
 * 2^(SPAN-1)). Any other StreamID is out of range: C_BAD_STREAMID (3.3.2, 7.3.3).
 *
 * <p>The L1STD in force is the cached one, else the one in memory: an invalid
 * L1STD is never cached (5.1), so software that makes one valid (as Linux does
 * when it adds a master, with no CFGI) is seen at once. A valid one is cached
 * when a CFGI_STE or CFGI_STE_RANGE loads an STE through it; the model does not
 * fill the cache on a transaction's fetch (a real SMMU may, and may also evict,
 * both permitted). CFGI_STE with Leaf=1 keeps a cached L1STD (it promises only the
 * STE changed, 4.3.1), so a changed L1STD needs Leaf=0, CFGI_STE_RANGE or CFGI_ALL.
 *
 * @param format          as written; null: never programmed (linear over SIDSIZE)
 * @param log2Size        the effective LOG2SIZE: the written one, at most SIDSIZE
 */
public record StreamTable(StreamTableFormat format, int log2Size, Map<Integer, L1Descriptor> memory,
        Map<Integer, L1Descriptor> cached) {

    /** An SMMU whose software never programmed STRTAB_BASE_CFG: a linear table reaching every StreamID. */
    public static final StreamTable DEFAULT = new StreamTable(null, 32, Map.of(), Map.of());

    public StreamTable {
        memory = Collections.unmodifiableMap(new TreeMap<>(memory));
        cached = Collections.unmodifiableMap(new TreeMap<>(cached));
    }

    /** A newly programmed table over an SMMU of {@code sidBits}: no level-1 descriptor written or cached. */
    public static StreamTable of(StreamTableFormat format, int sidBits) {
        return new StreamTable(format, Math.min(format.log2Size(), sidBits), Map.of(), Map.of());
    }

    public boolean twoLevel() {
        return format != null && format.twoLevel();
    }

    /** How many level-1 descriptors the table has (0 for a linear table). */
    public long l1Count() {
        return twoLevel() ? 1L << Math.max(0, log2Size - format.split()) : 0;
    }

    /** The L1STD in force for level-1 index {@code index}: cached, else in memory (zero: invalid). */
    public L1Descriptor l1(int index) {
        L1Descriptor c = cached.get(index);
        return c != null ? c : memory.getOrDefault(index, L1Descriptor.INVALID);
    }

    /** Whether the SMMU finds an STE for {@code sid}; if not, a transaction on it is C_BAD_STREAMID. */
    public boolean reaches(int sid) {
        long id = Integer.toUnsignedLong(sid);
        if (log2Size < 32 && id >>> log2Size != 0) {
            return false;
        }
        if (!twoLevel()) {
            return true;
        }
        int split = format.split();
        return l1((int) (id >>> split)).covers(split, (int) (id & ((1L << split) - 1)));
    }

    /** Software wrote L1STD {@code index} (memory only; the index is within {@link #l1Count()}). */
    public StreamTable write(int index, L1Descriptor d) {
        Map<Integer, L1Descriptor> m = new TreeMap<>(memory);
        m.put(index, d);
        return new StreamTable(format, log2Size, m, cached);
    }

    /**
     * The level-1 descriptors after a consumed CFGI_STE or CFGI_STE_RANGE (any other command changes none).
     * Leaf=0 and the range forms invalidate and reload the descriptors they cover; Leaf=1 loads one only if
     * none is cached. A reloaded descriptor is cached only if valid.
     */
    public StreamTable afterCfgi(Command c) {
        if (!twoLevel()) {
            return this;
        }
        int split = format.split();
        if (c instanceof CfgiSte s) {
            long index = Integer.toUnsignedLong(s.sid()) >>> split;
            if (index >= l1Count() || (s.leaf() && cached.containsKey((int) index))) {
                return this;
            }
            return reload(index, index + 1);
        }
        if (c instanceof CfgiSteRange r) {
            long first = r.firstSid() >>> split;
            long end = Math.min(l1Count(), (r.firstSid() + r.streamCount() + (1L << split) - 1) >>> split);
            return first >= end ? this : reload(first, end);
        }
        return this;
    }

    private StreamTable reload(long first, long end) {
        Map<Integer, L1Descriptor> c = new TreeMap<>(cached);
        c.keySet().removeIf(i -> i >= first && i < end);
        for (Map.Entry<Integer, L1Descriptor> e : memory.entrySet()) {
            if (e.getKey() >= first && e.getKey() < end && e.getValue().valid(format.split())) {
                c.put(e.getKey(), e.getValue());
            }
        }
        return new StreamTable(format, log2Size, memory, c);
    }
}
