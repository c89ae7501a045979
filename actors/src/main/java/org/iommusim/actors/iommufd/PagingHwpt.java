package org.iommusim.actors.iommufd;

import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainStage;

/**
 * A paging HWPT: a model domain filled from its IOAS. Stage 1 by default on
 * an SMMU with stage 1; stage 2 when allocated as a nest parent (or when the
 * SMMU has only stage 2), as Linux's arm-smmu-v3 chooses.
 *
 * @param asid the ASID of a stage-1 HWPT (-1 for stage 2)
 * @param vmid the VMID of a stage-2 HWPT (-1 for stage 1, whose entries the model tags VMID 0)
 */
public record PagingHwpt(int id, int ioas, DomainId domain, DomainStage stage, boolean nestParent, int asid, int vmid)
        implements IommufdObject {}
