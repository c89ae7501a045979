package org.iommusim.protocol.domain;

/** Which translation a domain's page table performs. */
public enum DomainStage {
    /** VA to PA, tagged by ASID; Linux's {@code io-pgtable-arm} stage-1 format. */
    STAGE1,
    /** IPA to PA, tagged by VMID; independent read and write permissions. */
    STAGE2,
    /** A stage-1 table whose output (IPA) goes through a stage-2 parent domain. */
    NESTED
}
