package org.iommusim.simulations.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.StateReplay;
import org.iommusim.persistence.replay.StreamFolder;
import org.iommusim.persistence.smmu.Consumption;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.smmu.SmmuState;

/**
 * A CMD_SYNC the recorded SMMU was still waiting at when its journal ends
 * (a crash, or a close, before the translation workers acknowledged the
 * invalidations before it). The re-run's workers do acknowledge, so its
 * consumer goes on; that is not a divergence. What the recorded SMMU would
 * have reached is its own pure consumer run on, with every invalidation
 * acknowledged, against its streams' memory as recorded: exactly what a
 * restart of it does.
 */
final class WaitingSync {
    /** What the completed sync's waiting state was: the queue index of the sync. */
    record Completed(SmmuState state, long syncIndex) {}

    private WaitingSync() {}

    /** The state once the sync completes, or empty when {@code recorded} was not waiting at one. */
    static Optional<Completed> complete(SmmuState recorded, StreamMemoryView memory) {
        if (!recorded.configured()) {
            return Optional.empty();
        }
        long synced = recorded.unsynced().isEmpty() ? recorded.invalidationsIssued()
                : recorded.unsynced().get(0).seq() - 1;
        SmmuState s = recorded;
        // consume what was consumable without new acknowledgements, then see whether a sync is what stops it
        for (Consumption.Result r = Consumption.run(s, memory, synced, Integer.MAX_VALUE); ;
                r = Consumption.run(s, memory, synced, Integer.MAX_VALUE)) {
            s = apply(s, r.events());
            if (r.waitingAtSync()) {
                break;
            }
            if (r.events().isEmpty()) {
                return Optional.empty();
            }
        }
        long syncIndex = s.queue().cons();
        for (Consumption.Result r = Consumption.run(s, memory, Long.MAX_VALUE, Integer.MAX_VALUE);
                !r.events().isEmpty(); r = Consumption.run(s, memory, Long.MAX_VALUE, Integer.MAX_VALUE)) {
            s = apply(s, r.events());
        }
        return Optional.of(new Completed(s, syncIndex));
    }

    private static SmmuState apply(SmmuState s, List<SmmuChange> events) {
        for (SmmuChange c : events) {
            s = s.apply(c);
        }
        return s;
    }

    /** The recorded memory (STEs and CDs as last written) of {@code smmuId}'s streams. */
    static StreamMemoryView memoryOf(JournalReader reader, String smmuId) {
        String prefix = smmuId + "/sid-";
        TreeMap<Long, StreamConfig> streams = new TreeMap<>();
        for (String pid : reader.persistenceIds()) {
            if (pid.startsWith(prefix)) {
                long sid = Long.parseLong(pid.substring(prefix.length()));
                streams.put(sid, StateReplay.at(reader, pid, reader.highestSequenceNr(pid), new StreamFolder())
                        .state().memory());
            }
        }
        return new StreamMemoryView() {
            @Override
            public Optional<StreamConfig> stream(int sid) {
                return Optional.ofNullable(streams.get(Integer.toUnsignedLong(sid)));
            }

            @Override
            public SortedSet<Long> writtenSids(long first, long count) {
                long end = first + count;
                return new TreeSet<>(new ArrayList<>(end <= first ? streams.tailMap(first).keySet()
                        : streams.subMap(first, end).keySet()));
            }
        };
    }
}
