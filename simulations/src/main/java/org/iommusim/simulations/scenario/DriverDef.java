package org.iommusim.simulations.scenario;

/**
 * The modelled driver: how it invalidates after unmaps.
 *
 * <ul>
 *   <li>{@code STRICT}: per unmap, TLBIs then a CMD_SYNC, waiting before the IOVA is reused;</li>
 *   <li>{@code BATCHED}: TLBIs gathered up to {@code batchCommands} per CMD_SYNC;</li>
 *   <li>{@code LAZY}: unmapped IOVAs go to a per-CPU flush queue of {@code flushQueue} entries; a full
 *       queue or {@code flushTimeoutNs} triggers one whole-domain invalidate + sync; an IOVA is reused
 *       only after the flush covering it completed.</li>
 * </ul>
 * {@code invalidation} picks per-page, range (RIL, when the SMMU has it; else per page) or ASID-wide
 * commands; {@code rangeThresholdPages}, when above 0, is where per-page invalidation of one span switches
 * to ASID-wide (Linux's SVA path: 512 without RIL); 0, the default, never switches, as Linux's DMA unmap
 * path does not.
 *
 * @param cpus            CPUs issuing map/unmap and commands (each with its own flush queue)
 * @param stage2Invalidation for nested setups, how the host invalidates after changing stage 2:
 *                        {@code S12_VMALL} (correct) or {@code S2_IPA_ONLY} (misses combined entries)
 */
public record DriverDef(Strategy strategy, Invalidation invalidation, int rangeThresholdPages, int batchCommands,
        int flushQueue, long flushTimeoutNs, int cpus, Stage2Invalidation stage2Invalidation) {

    public enum Strategy { STRICT, BATCHED, LAZY }

    public enum Invalidation { PER_PAGE, RANGE, ASID }

    public enum Stage2Invalidation { S12_VMALL, S2_IPA_ONLY }

    public static DriverDef strict() {
        return new DriverDef(Strategy.STRICT, Invalidation.RANGE, 0, 64, 256, 10_000_000L, 1,
                Stage2Invalidation.S12_VMALL);
    }
}
