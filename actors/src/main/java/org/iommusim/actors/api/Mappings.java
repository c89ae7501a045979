package org.iommusim.actors.api;

import java.util.List;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.translate.Perms;

/**
 * What a domain's page table maps, read-only: every leaf (page or block) in
 * IOVA order. Returned by {@link IommuSim#mappings}; read from the table the
 * domain last published, so it shows every map and unmap acknowledged
 * before the call. Immutable, safe to share between threads.
 *
 * @param domain   the domain
 * @param spec     its stage, granule and address sizes
 * @param mappings its leaves, in IOVA order (unmodifiable)
 * @param digest   a digest of the table's contents: equal tables have equal digests (for quick comparison)
 */
public record Mappings(DomainId domain, DomainSpec spec, List<Mapping> mappings, long digest) {

    /** Copies {@code mappings}. */
    public Mappings {
        mappings = List.copyOf(mappings);
    }

    /**
     * One leaf of the table.
     *
     * @param iova          its input address (IOVA, or IPA for stage 2)
     * @param size          bytes it maps (a page or a block)
     * @param level         its table level (3 for a 4 KiB page)
     * @param outputAddress where it maps to
     * @param perms         its permissions
     */
    public record Mapping(long iova, long size, int level, long outputAddress, Perms perms) {}

    /** Bytes mapped in all. */
    public long bytesMapped() {
        long n = 0;
        for (Mapping m : mappings) {
            n += m.size();
        }
        return n;
    }
}
