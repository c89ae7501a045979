package org.iommusim.actors.iommufd.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Clean-up work decided under the host's monitor but run after it is released, because it waits on the model
 * (a freed VMID or ASID goes back through its TLBI and CMD_SYNC). Not thread-safe: one per host call.
 */
public final class Deferred {
    private final List<Runnable> work = new ArrayList<>();

    public void add(Runnable r) {
        work.add(r);
    }

    /** Runs the work after {@code failure} ended the call; what fails here is added to it as suppressed. */
    public void runAfter(RuntimeException failure) {
        for (Runnable r : work) {
            try {
                r.run();
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
        }
        work.clear();
    }
}
