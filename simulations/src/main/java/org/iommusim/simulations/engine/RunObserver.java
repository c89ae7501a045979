package org.iommusim.simulations.engine;

import org.iommusim.actors.api.IommuSim;

/**
 * What a run shows an observer while it goes (tests look through it: the
 * model, to watch its actor turns and clock; the driver's lazy timer). Every
 * call comes on the thread that runs the scheduler (deterministic mode) or
 * the flush timer's thread (concurrent mode); the default does nothing.
 */
interface RunObserver {
    RunObserver NONE = new RunObserver() {};

    /** The model has started: at the beginning, and again after an injected crash. */
    default void modelStarted(IommuSim model) {}

    /**
     * The run is over (devices stopped, the driver drained) and its models
     * still serve, about to close: {@code smmus} by index.
     */
    default void finished(Models models, java.util.Map<Integer, org.iommusim.actors.api.Smmu> smmus) {}

    /**
     * The driver's lazy flush timer fires for {@code cpu}'s flush queue at
     * {@code at} (virtual ns in deterministic mode), its oldest entry queued
     * at {@code oldestAt}; called just before the flush.
     */
    default void lazyTimer(int cpu, long oldestAt, long at) {}
}
