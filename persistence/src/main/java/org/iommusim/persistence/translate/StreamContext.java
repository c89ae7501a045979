package org.iommusim.persistence.translate;

import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.memory.GuestMemory;

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
     * Stage 2 refused the fetch of the stream's CD from guest memory (an STE with {@code guestCds}): each
     * transaction gets that stage-2 fault with S2=1, CLASS=CD and {@code ipa}, its own input address and
     * attributes, recorded when STE.S2R is set (Arm IHI 0070, 3.3.3 and 7.3).
     *
     * @param fault   the stage-2 walk fault, or null when stage 2 maps the CD without read permission (F_PERMISSION)
     * @param record  STE.S2R
     */
    record CdFetchFault(long ipa, org.iommusim.persistence.pagetable.WalkResult.WalkFault fault, boolean record)
            implements StreamContext {}

    /**
     * Translate through the IOTLB and the tables.
     *
     * @param kind   which entries this stream's translations are (STAGE1, STAGE2 or NESTED)
     * @param asid   {@link IotlbEntry#NO_ASID} for stage 2
     * @param s1     the stage-1 table (null for STAGE2)
     * @param s2     the stage-2 table (null for STAGE1)
     * @param ias    the SMMU's IAS: an input that bypasses stage 1 into stage 2
     *               (kind STAGE2) must fit it, or it is a stage-1 F_ADDR_SIZE
     * @param faults what the CD and STE say about recording faults and the Access flag
     */
    record Translate(IotlbEntry.Kind kind, int vmid, int asid, PageTable s1, PageTable s2, int ias,
            FaultControls faults, Fetches fetches) implements StreamContext {
        /** A stream whose CD and stage-1 tables are outside the address space: their reads are not translated. */
        public Translate(IotlbEntry.Kind kind, int vmid, int asid, PageTable s1, PageTable s2, int ias,
                FaultControls faults) {
            this(kind, vmid, asid, s1, s2, ias, faults, null);
        }
    }

    /**
     * Where a nested stream's CD and stage-1 tables are: IPAs, which stage 2 translates before the SMMU
     * reads them (Arm IHI 0070, 3.3.3 and 3.4; see {@link DescriptorFetch}).
     *
     * @param cdIpa the CD's IPA (STE.S1ContextPtr + 64 * index), or -1 when the STE gives none
     * @param ttb0  the stage-1 root table's IPA (CD.TTB0), or -1 when the CD gives none
     * @param guest the memory holding the guest's own stage-1 tables (the CD says {@code guestTables}), which
     *              the walker reads ({@link org.iommusim.persistence.pagetable.MemoryTableWalk}); null when the
     *              tables are the nested domain's
     * @param epd0  CD.EPD0 of a CD fetched from guest memory: walks through TTB0 are disabled, so a miss is a
     *              stage-1 F_TRANSLATION without a table read
     */
    record Fetches(long cdIpa, long ttb0, GuestMemory guest, boolean epd0) {
        /** The nested domain's own tables, placed at TTB0. */
        public Fetches(long cdIpa, long ttb0) {
            this(cdIpa, ttb0, null, false);
        }

        /** Tables at TTB0, in {@code guest} when it is not null, walks enabled. */
        public Fetches(long cdIpa, long ttb0, GuestMemory guest) {
            this(cdIpa, ttb0, guest, false);
        }
    }

    /**
     * The fault configuration of the stages that translate (Arm IHI 0070, 5.5
     * "Fault configuration"; 3.13.2 "Access flag hardware update").
     *
     * @param recordS1 CD.R: record stage-1 translation-related faults (true when stage 1 is bypassed:
     *                 no CD governs the stage-1 check of the input against the IAS)
     * @param recordS2 STE.S2R: record stage-2 translation-related faults
     * @param hardwareAfS1 CD.HA on an SMMU with HTTU: an AF=0 stage-1 leaf is used (the SMMU sets AF)
     * @param hardwareAfS2 STE.S2HA on an SMMU with HTTU: likewise for a stage-2 leaf
     */
    record FaultControls(boolean recordS1, boolean recordS2, boolean hardwareAfS1, boolean hardwareAfS2) {
        /** Every fault recorded, no hardware Access flag update: Linux's DMA-API configuration. */
        public static final FaultControls RECORD_ALL = new FaultControls(true, true, false, false);
    }
}
