package org.iommusim.persistence.translate;

import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.event.SmmuEvent;

/** What a stream's configuration in force means for one transaction. */
public sealed interface StreamContext {

    /**
     * STE.Config BYPASS (or stage 1 bypassed by S1DSS on a stage-1-only stream).
     *
     * @param addressBits the largest input the SMMU passes through (its OAS, equal
     *                    to its IAS in the model): a larger one is a stage-1 F_ADDR_SIZE
     */
    record Bypass(int addressBits) implements StreamContext {}

    /** STE.Config ABORT: terminate silently, no event. */
    record Terminate(String reason) implements StreamContext {}

    /** A configuration error: the event to record (C_BAD_STREAMID, C_BAD_STE, ...). */
    record ConfigFault(SmmuEvent event) implements StreamContext {}

    /**
     * Translate through the IOTLB and the tables.
     *
     * @param kind   which entries this stream's translations are (STAGE1, STAGE2 or NESTED)
     * @param asid   {@link IotlbEntry#NO_ASID} for stage 2
     * @param s1     the stage-1 table (null for STAGE2)
     * @param s2     the stage-2 table (null for STAGE1)
     * @param ias    the SMMU's IAS: an input that bypasses stage 1 into stage 2
     *               (kind STAGE2) must fit it, or it is a stage-1 F_ADDR_SIZE
     */
    record Translate(IotlbEntry.Kind kind, int vmid, int asid, PageTable s1, PageTable s2, int ias)
            implements StreamContext {}
}
