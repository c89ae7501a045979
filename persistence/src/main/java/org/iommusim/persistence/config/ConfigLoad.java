package org.iommusim.persistence.config;

import java.util.Map;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/**
 * What one CFGI made the SMMU load into its configuration cache, recorded
 * with the values it read so that replay never needs the streams' state.
 *
 * @param ste     the STE loaded, or null when only CDs were loaded
 * @param allCds  the CD table is replaced by {@code cds} (CFGI_CD_ALL, or a non-leaf CFGI_STE);
 *                otherwise each CD in {@code cds} is replaced on its own (CFGI_CD)
 */
public record ConfigLoad(int sid, Ste ste, boolean allCds, Map<Integer, Cd> cds) {
    public ConfigLoad {
        cds = Map.copyOf(cds);
    }
}
