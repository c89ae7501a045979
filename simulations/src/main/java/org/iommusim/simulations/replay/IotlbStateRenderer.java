package org.iommusim.simulations.replay;

import java.util.Map;
import java.util.function.Consumer;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.iotlb.IotlbStats;
import org.iommusim.persistence.replay.ReplayedIotlb;
import org.iommusim.protocol.command.CommandOpcode;

/**
 * A TBU's TLB (or an older journal's IOTLB shard): its configuration (or that
 * it is unknown: an IOTLB shard replayed without a snapshot), the entries in
 * replacement order (set by set, next to evict first), and the counters.
 * Lookups, hits and misses come only from a snapshot: lookups are never
 * journaled. The micro-TLB is not journaled either: only its size is shown.
 */
final class IotlbStateRenderer implements StateRenderer<ReplayedIotlb> {

    @Override
    public void lines(ReplayedIotlb r, Consumer<String> out) {
        IotlbShard shard = r.shard();
        IotlbConfig c = shard.config();
        out.accept(r.configKnown()
                ? "config " + describe(c) + " rng=0x" + Long.toHexString(shard.rngState())
                : "config unknown (no snapshot; entries are exact, every eviction is named by its fill)");
        out.accept("entries=" + shard.size() + (c.sets() > 1 ? " (set by set, next to evict first)" : " (next to evict first)"));
        for (IotlbEntry e : shard.entries()) {
            out.accept(e.toString());
        }
        IotlbStats s = shard.stats();
        StringBuilder sb = new StringBuilder("stats lookups=").append(s.hits() + s.misses())
                .append(" fills=").append(s.fills()).append(" evictions=").append(s.evictions())
                .append(" flushes=").append(s.flushes()).append(" flushed=").append(s.flushedEntries())
                .append(" removed=").append(s.entriesRemoved()).append(" hits=").append(s.hits())
                .append(" misses=").append(s.misses());
        for (Map.Entry<CommandOpcode, Long> e : s.invalidations().entrySet()) {
            sb.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        out.accept(sb.toString());
    }

    /** A TLB's geometry and policy, as the state and timeline lines show it. */
    static String describe(IotlbConfig c) {
        String geometry = c.sets() == 1 ? "fully-associative" : c.sets() + "x" + c.ways() + "-way";
        return "capacity=" + c.capacity() + " " + geometry + " policy=" + c.policy() + " seed=0x" + Long.toHexString(c.seed())
                + (c.microEntries() == 0 ? "" : " micro=" + c.microEntries() + "/" + c.microPolicy() + " (not journaled)");
    }
}
