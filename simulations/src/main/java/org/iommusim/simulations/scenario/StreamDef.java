package org.iommusim.simulations.scenario;

import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;

/**
 * A stream attached at start: its STE config and the domains it uses.
 *
 * @param s1Domain the stage-1 (or nested) domain for STAGE1/NESTED, else null
 * @param s2Domain the stage-2 domain for STAGE2/NESTED, else null
 * @param vmid     the STE's VMID for STAGE2/NESTED, else -1
 */
public record StreamDef(int smmu, int sid, SteConfig config, DomainId s1Domain, DomainId s2Domain, int vmid) {}
