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
 * Commands the recorded SMMU had not consumed when its journal ends: a crash
 * (or a close) while a CMD_SYNC waited for the translation workers to
 * acknowledge the invalidations before it, or between two consumption
 * batches. The re-run's workers do acknowledge and its consumer goes on, so
 * the re-run is further along; that is not a divergence. What the recorded
 * SMMU would have reached is its own pure consumer run on, with every
 * invalidation acknowledged, against its streams' memory as recorded: what
 * a restart of it does.
 */
final class WaitingSync {
    /**
     * The state once the consumer has taken everything it can.
     *
     * @param fromIndex the first queue index the recorded SMMU had not consumed
     * @param syncIndex the queue index of the CMD_SYNC it was waiting at, or -1
     */
    record Completed(SmmuState state, long fromIndex, long syncIndex) {
        /** In words, for verify's report. */
        String describe() {
            return "its journal ends with commands not yet consumed from queue index " + fromIndex
                    + (syncIndex >= 0 ? " (a CMD_SYNC waiting at index " + syncIndex + ")" : "")
                    + ": compared as consumed, as a restart consumes them";
        }
    }

    private WaitingSync() {}

    /** The state once every pending command is consumed, or empty when {@code recorded} had none it could take. */
    static Optional<Completed> complete(SmmuState recorded, StreamMemoryView memory) {
        if (!recorded.configured()) {
            return Optional.empty();
        }
        long synced = recorded.unsynced().isEmpty() ? recorded.invalidationsIssued()
                : recorded.unsynced().get(0).seq() - 1;
        long syncIndex = -1;
        SmmuState s = recorded;
        // first what was consumable without new acknowledgements, up to a sync that would wait for them
        for (Consumption.Result r = Consumption.run(s, memory, synced, Integer.MAX_VALUE); ;
                r = Consumption.run(s, memory, synced, Integer.MAX_VALUE)) {
            s = apply(s, r.events());
            if (r.waitingAtSync()) {
                syncIndex = s.queue().cons();
                break;
            }
            if (r.events().isEmpty()) {
                break;
            }
        }
        for (Consumption.Result r = Consumption.run(s, memory, Long.MAX_VALUE, Integer.MAX_VALUE);
                !r.events().isEmpty(); r = Consumption.run(s, memory, Long.MAX_VALUE, Integer.MAX_VALUE)) {
            s = apply(s, r.events());
        }
        return s.equals(recorded) ? Optional.empty()
                : Optional.of(new Completed(s, recorded.queue().cons(), syncIndex));
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
