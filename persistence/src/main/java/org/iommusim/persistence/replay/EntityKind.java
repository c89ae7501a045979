package org.iommusim.persistence.replay;

import java.util.regex.Pattern;

/**
 * What kind of entity a persistence id names. Ids nest with {@code /}
 * ({@code smmu-0/sid-16} is a stream of {@code smmu-0}), so a kind is a whole
 * pattern, never a prefix: {@code smmu-} alone would also take the SMMU's
 * streams and TBU TLBs.
 */
public enum EntityKind {
    /** {@code domain-<id>}: one page table. */
    DOMAIN("domain-\\d+"),
    /** {@code smmu-<n>}: command queue, configuration cache, event queue. */
    SMMU("smmu-\\d+"),
    /** {@code smmu-<n>/sid-<sid>}: one stream's STE and CD table as written. */
    STREAM("smmu-\\d+/sid-\\d+"),
    /**
     * {@code smmu-<n>/tbu-<k>}: the TLB of one TBU; or {@code smmu-<n>/iotlb-<k>},
     * an IOTLB shard of a journal written before TBUs (same events).
     */
    IOTLB("smmu-\\d+/(tbu|iotlb)-\\d+"),
    /** {@code smmu-<n>/ids}: the SMMU's VMID and ASID allocator. */
    IDS("smmu-\\d+/ids"),
    /** {@code smmu-<n>/tcu}: the TCU's walk caches and IPA cache. */
    TCU("smmu-\\d+/tcu"),
    /** Anything this build does not know. */
    OTHER(".*");

    private final Pattern pattern;

    EntityKind(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    public static EntityKind of(String persistenceId) {
        for (EntityKind k : values()) {
            if (k.pattern.matcher(persistenceId).matches()) {
                return k;
            }
        }
        return OTHER;
    }
}
