package org.iommusim.actors.smmu;

import java.util.List;
import java.util.function.Consumer;
import org.iommusim.persistence.smmu.SmmuInterrupt;

/**
 * The wire from an SMMU to whoever takes its interrupts (the facade's
 * dispatcher). The SMMU raises after the change is written, never during
 * recovery; the sink must not block the SMMU (it queues). With no sink
 * connected, interrupts go nowhere, as on an SMMU whose MSIs nobody set up.
 * Thread-safe.
 */
public final class InterruptLine {
    private volatile Consumer<List<SmmuInterrupt>> sink;

    /** Connects the sink (replacing any earlier one). */
    public void connect(Consumer<List<SmmuInterrupt>> sink) {
        this.sink = sink;
    }

    /** Whether anyone takes the interrupts (the SMMU works them out only then). */
    boolean connected() {
        return sink != null;
    }

    void raise(List<SmmuInterrupt> interrupts) {
        Consumer<List<SmmuInterrupt>> s = sink;
        if (s != null && !interrupts.isEmpty()) {
            s.accept(interrupts);
        }
    }
}
