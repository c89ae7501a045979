package org.iommusim.simulations.scenario;

import org.iommusim.simulations.scenario.DriverDef.Invalidation;
import org.iommusim.simulations.scenario.DriverDef.Stage2Invalidation;
import org.iommusim.simulations.scenario.DriverDef.Strategy;

/** Reads the optional {@code driver { }} object; absent keys keep {@link DriverDef#strict()}. */
final class DriverReader {
    private DriverReader() {}

    static DriverDef read(ConfNode n) {
        DriverDef d = DriverDef.strict();
        if (n == null) {
            return d;
        }
        int before = n.problems().count();
        Strategy strategy = n.word("strategy", Strategy.class, d.strategy());
        Invalidation invalidation = n.word("invalidation", Invalidation.class, d.invalidation());
        Integer threshold = n.int32("range-threshold", d.rangeThresholdPages(), 0, Integer.MAX_VALUE);
        Integer batch = n.int32("batch", d.batchCommands(), 1, Integer.MAX_VALUE);
        Integer flushQueue = n.int32("flush-queue", d.flushQueue(), 1, Integer.MAX_VALUE);
        Long flushTimeout = n.nanos("flush-timeout", d.flushTimeoutNs(), 1);
        Integer cpus = n.int32("cpus", d.cpus(), 1, Integer.MAX_VALUE);
        Stage2Invalidation s2 = n.word("stage2-invalidation", Stage2Invalidation.class, d.stage2Invalidation());
        n.finish();
        if (n.problems().count() > before) {
            return null;
        }
        return new DriverDef(strategy, invalidation, threshold, batch, flushQueue, flushTimeout, cpus, s2);
    }
}
