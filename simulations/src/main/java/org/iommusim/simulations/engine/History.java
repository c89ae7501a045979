package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.protocol.domain.DomainId;

/** Every mapping each domain ever had, in order: what the checker judges translations against. */
final class History {
    private final Map<DomainId, List<MapRecord>> byDomain = new HashMap<>();

    synchronized void add(MapRecord r) {
        byDomain.computeIfAbsent(r.domain, k -> new ArrayList<>()).add(r);
    }

    /** Records of {@code domain} covering {@code address}, newest first. */
    synchronized List<MapRecord> covering(DomainId domain, long address) {
        List<MapRecord> all = byDomain.getOrDefault(domain, List.of());
        List<MapRecord> out = new ArrayList<>(2);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).covers(address)) {
                out.add(all.get(i));
            }
        }
        return out;
    }
}
