package org.iommusim.persistence.smmu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/** Drives the pure SMMU state the way the actor does: submit, consume, apply. */
final class SmmuFixture implements StreamMemoryView {
    final TreeMap<Long, StreamConfig> memory = new TreeMap<>();
    SmmuState state;
    long ackedThrough = Long.MAX_VALUE;
    final List<SmmuChange> journal = new ArrayList<>();

    SmmuFixture(SmmuCapabilities caps) {
        state = SmmuState.UNCONFIGURED;
        apply(List.of(new SmmuChange.Configured(caps)));
    }

    void writeSte(int sid, Ste ste) {
        memory.put(Integer.toUnsignedLong(sid), stream(sid).orElse(StreamConfig.UNCONFIGURED).withSte(ste));
    }

    void writeCd(int sid, int ssid, Cd cd) {
        memory.put(Integer.toUnsignedLong(sid), stream(sid).orElse(StreamConfig.UNCONFIGURED).withCd(ssid, cd));
    }

    /** Submits and runs the consumer as far as it can go; returns the decision's reject reason, or null. */
    String submit(Command... commands) {
        List<RawCommand> raws = new ArrayList<>();
        for (Command c : commands) {
            raws.add(c.encode());
        }
        return submitRaw(raws);
    }

    String submitRaw(List<RawCommand> raws) {
        SmmuDecision d = state.decideSubmit(raws);
        if (d instanceof SmmuDecision.Reject r) {
            return r.reason();
        }
        apply(((SmmuDecision.Accept) d).events());
        consume();
        return null;
    }

    boolean consume() {
        Consumption.Result r;
        do {
            r = Consumption.run(state, this, ackedThrough, 256);
            apply(r.events());
        } while (!r.events().isEmpty() && !state.queue().halted() && state.queue().hasPending() && !r.waitingAtSync());
        return r.waitingAtSync();
    }

    void apply(List<SmmuChange> events) {
        for (SmmuChange e : events) {
            state = state.apply(e);
            journal.add(e);
        }
    }

    StreamConfig effective(int sid) {
        return state.config().effective(sid);
    }

    @Override
    public Optional<StreamConfig> stream(int sid) {
        return Optional.ofNullable(memory.get(Integer.toUnsignedLong(sid)));
    }

    @Override
    public SortedSet<Long> writtenSids(long first, long count) {
        return new TreeSet<>(memory.subMap(first, true, first + count - 1, true).keySet());
    }

    /** Replays the recorded journal from nothing: must give the same state. */
    SmmuState replay() {
        SmmuState s = SmmuState.UNCONFIGURED;
        for (SmmuChange e : journal) {
            s = s.apply(e);
        }
        return s;
    }

    static Map<Integer, Cd> cds(int ssid, Cd cd) {
        return Map.of(ssid, cd);
    }
}
