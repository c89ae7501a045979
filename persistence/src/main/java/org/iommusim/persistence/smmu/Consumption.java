package org.iommusim.persistence.smmu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.iommusim.persistence.cmdq.CommandQueue;
import org.iommusim.persistence.cmdq.CommandRules;
import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamMemoryView;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiCdAll;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CfgiSteRange;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.CommandError;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.DecodedCommand;
import org.iommusim.protocol.config.Cd;

/**
 * The consumer: takes entries from the head strictly in order until the
 * queue is empty, the batch limit is reached, an entry is illegal (halt at
 * it), or a CMD_SYNC must wait for invalidation acknowledgements. Pure: the
 * same state, memory and acknowledgements give the same events.
 */
public final class Consumption {
    private Consumption() {}

    /**
     * The events to persist, whether consumption now waits at a CMD_SYNC, and
     * the commands consumed, decoded once here so the host need not decode them again.
     */
    public record Result(List<SmmuChange> events, boolean waitingAtSync, List<Command> consumed) {}

    /**
     * @param ackedThrough the highest invalidation number every subscriber has
     *                     acknowledged ({@code Long.MAX_VALUE} with no subscribers)
     */
    public static Result run(SmmuState state, StreamMemoryView memory, long ackedThrough, int limit) {
        CommandQueue q = state.queue();
        if (q.halted() || !q.hasPending()) {
            return new Result(List.of(), false, List.of());
        }
        List<ConfigLoad> loads = new ArrayList<>();
        List<SmmuChange> events = new ArrayList<>(2);
        long issued = state.invalidationsIssued();
        int n = 0;
        boolean waiting = false;
        List<Command> consumed = new ArrayList<>();
        SmmuChange halt = null;
        int available = Math.min(q.pending().size(), limit);
        while (n < available) {
            DecodedCommand d = CommandCodec.decode(q.pending().get(n));
            if (d instanceof CommandError e) {
                halt = new SmmuChange.Halted(q.cons() + n, e.code(), e.reason());
                break;
            }
            Command c = (Command) d;
            Optional<String> refusal = CommandRules.refusal(c, state.caps());
            if (refusal.isPresent()) {
                halt = new SmmuChange.Halted(q.cons() + n, CommandErrorCode.ILL, c.opcode() + ": " + refusal.get());
                break;
            }
            if (state.issues(c)) {
                issued++; // a TLBI, or a CFGI for the bounded configuration cache: it loads nothing here
            } else if (c instanceof CmdSync && ackedThrough < issued) {
                waiting = true;
                break;
            } else if (!CommandRules.hasNoEffect(c, state.caps())) {
                loads.addAll(loadsFor(c, state, memory));
            }
            consumed.add(c);
            n++;
        }
        if (n > 0) {
            events.add(new SmmuChange.Consumed(n, loads));
        }
        if (halt != null) {
            events.add(halt);
        }
        return new Result(events, waiting, consumed);
    }

    private static List<ConfigLoad> loadsFor(Command c, SmmuState state, StreamMemoryView memory) {
        if (c instanceof CfgiSte s) {
            StreamConfig m = read(memory, s.sid());
            // reference section 8: a CFGI_STE (Leaf=1 or 0) also invalidates the CDs cached for that StreamID
            // (Leaf=1 only lets the SMMU keep the level-1 stream-table descriptor), so they are reloaded with it;
            // a first attach followed by CFGI_STE Leaf=1 alone therefore finds its CD, not C_BAD_CD
            return List.of(new ConfigLoad(s.sid(), m.ste(), true, m.cds()));
        }
        if (c instanceof CfgiSteRange r) {
            SortedSet<Long> sids = new TreeSet<>(memory.writtenSids(r.firstSid(), r.streamCount()));
            for (Integer cached : state.config().streams().keySet()) {
                if (r.covers(Integer.toUnsignedLong(cached))) {
                    sids.add(Integer.toUnsignedLong(cached));
                }
            }
            List<ConfigLoad> out = new ArrayList<>(sids.size());
            for (long sid : sids) {
                StreamConfig m = read(memory, (int) sid);
                out.add(new ConfigLoad((int) sid, m.ste(), true, m.cds()));
            }
            return out;
        }
        if (c instanceof CfgiCd cd) {
            StreamConfig m = read(memory, cd.sid());
            return List.of(new ConfigLoad(cd.sid(), null, false,
                    java.util.Map.of(cd.ssid(), m.cds().getOrDefault(cd.ssid(), Cd.invalid()))));
        }
        if (c instanceof CfgiCdAll cd) {
            return List.of(new ConfigLoad(cd.sid(), null, true, read(memory, cd.sid()).cds()));
        }
        return List.of();
    }

    private static StreamConfig read(StreamMemoryView memory, int sid) {
        return memory.stream(sid).orElse(StreamConfig.UNCONFIGURED);
    }
}
