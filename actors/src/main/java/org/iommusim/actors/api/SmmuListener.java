package org.iommusim.actors.api;

import java.util.List;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * An embedder's interrupt handler for one SMMU, registered with
 * {@link IommuSim#addListener}: what an interrupt controller would receive
 * from it. Each method has an empty default, so implement only what you need.
 *
 * <p>When the SMMU interrupts (the rule: {@code persistence/smmu/SmmuInterrupts}):
 * <ul>
 *   <li>{@link #onEvents}: the EVTQ interrupt, with the records each event
 *       queue write added, in queue order. The records stay queued until
 *       someone calls {@link IommuSim#acknowledgeEvents}.</li>
 *   <li>{@link #onEventQueueOverflow}: records were lost to a full queue.</li>
 *   <li>{@link #onSyncCompleted}: a CMD_SYNC with CS=IRQ (the MSI write) or
 *       CS=SEV completed.</li>
 *   <li>{@link #onGlobalError}: a global error (GERROR), e.g. the command queue
 *       halting (CMDQ_ERR).</li>
 * </ul>
 *
 * <p>Threads: calls for one model arrive one at a time, in the order the SMMUs
 * raised them (per SMMU, the order of its journal). Threaded, they run on the
 * model's one interrupt thread ({@code iommu-sim-interrupts}), never on an
 * actor's: the SMMU never waits for a listener, and a slow listener delays only
 * later callbacks. Deterministic, they run on the caller's thread at the end of
 * the facade call (blocking call, {@code runUntilIdle}, {@code advanceTo}) in
 * which the SMMU raised them. In both modes a listener may call the model,
 * blocking calls included. A listener that throws is logged and counted
 * ({@link IommuSim#listenerFailures}); it stays registered, and the model and
 * the other listeners carry on.
 */
public interface SmmuListener {

    /** The EVTQ interrupt: {@code records} were written to {@code smmu}'s event queue. */
    default void onEvents(Smmu smmu, List<SmmuEvent> records) {}

    /**
     * {@code lost} records offered to {@code smmu}'s full event queue were
     * lost ({@code totalLost} since the SMMU was configured); the queue's
     * overflow flag is set.
     */
    default void onEventQueueOverflow(Smmu smmu, long lost, long totalLost) {}

    /** A CMD_SYNC with CS=IRQ or CS=SEV completed: its signal, with the MSI fields as the command gave them. */
    default void onSyncCompleted(Smmu smmu, SyncSignal signal) {}

    /** A global error: GERROR's bit and what caused it. */
    default void onGlobalError(Smmu smmu, GlobalError error) {}
}
