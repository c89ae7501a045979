package org.iommusim.actors.api;

import java.util.List;

/**
 * An SMMU's VMID and ASID allocator at one instant. Returned by
 * {@link IommuSim#idAllocations}. Immutable, safe to share between threads.
 *
 * @param vmidsInUse         VMIDs allocated, ascending
 * @param vmidsAwaitingFlush VMIDs released whose flush (a TLBI and its CMD_SYNC) has not completed: not yet reusable
 * @param asidsInUse         ASIDs allocated, ascending
 * @param asidsAwaitingFlush ASIDs released whose flush has not completed: not yet reusable
 */
public record IdAllocations(List<Integer> vmidsInUse, List<Integer> vmidsAwaitingFlush, List<Integer> asidsInUse,
        List<Integer> asidsAwaitingFlush) {
    /** Copies the lists. */
    public IdAllocations {
        vmidsInUse = List.copyOf(vmidsInUse);
        vmidsAwaitingFlush = List.copyOf(vmidsAwaitingFlush);
        asidsInUse = List.copyOf(asidsInUse);
        asidsAwaitingFlush = List.copyOf(asidsAwaitingFlush);
    }
}
