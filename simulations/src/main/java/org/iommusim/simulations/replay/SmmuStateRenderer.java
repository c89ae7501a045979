package org.iommusim.simulations.replay;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.iommusim.persistence.cmdq.CommandQueue;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.config.StreamTable;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.persistence.evtq.EventQueue;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.bits.TextLine;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * An SMMU's state, section by section:
 * <pre>
 * CONFIGURED &lt;capabilities&gt;            (or UNCONFIGURED, and nothing else)
 * cmdq prod=.. cons=.. capacity=.. free=.. error=none | error index=.. CERROR_ILL reason=".."
 * pending [i] &lt;command&gt;                  one per entry between cons and prod
 * strtab 2-level log2size=16 split=8 l1=256   when software programmed the stream table
 * l1 index=0x.. sids=0x..-0x.. span=.. l2ptr=0x.. cached=span=..,l2ptr=0x..|none   each L1STD written
 * config sid=0x.. ste=&lt;ste&gt;              the configuration in force, by StreamID
 * config sid=0x.. cd ssid=0x.. &lt;cd&gt;
 * evtq capacity=.. queued=.. overflow=0|1 lost=.. recorded=.. consumed=..
 * event &lt;record&gt;                         one per queued record
 * invalidations issued=.. unsynced=.. syncs=..
 * unsynced #n &lt;TLBI&gt;                    consumed since the last completed CMD_SYNC
 * </pre>
 */
final class SmmuStateRenderer implements StateRenderer<SmmuState> {

    @Override
    public void lines(SmmuState s, Consumer<String> out) {
        if (!s.configured()) {
            out.accept("UNCONFIGURED");
            return;
        }
        out.accept("CONFIGURED " + ConfigText.caps(s.caps()));
        CommandQueue q = s.queue();
        String error = q.error() == null ? "error=none"
                : TextLine.of("error index=" + q.error().index() + " CERROR_" + q.error().code().name())
                        .quoted("reason", q.error().reason()).toString();
        out.accept("cmdq prod=" + q.prod() + " cons=" + q.cons() + " capacity=" + q.capacity() + " free=" + q.free()
                + " " + error);
        for (int i = 0; i < q.pending().size(); i++) {
            out.accept("pending " + CommandText.entry(q.cons() + i, q.pending().get(i)));
        }
        streamTable(s.config().table(), out);
        if (s.configBounded()) {
            // CFGIs load nothing here: the STEs and CDs in force are the TCU's (smmu-<n>/tcu) or memory's
            out.accept("config bounded " + s.caps().tcu().configCache() + ": in the TCU's log");
        }
        for (Map.Entry<Integer, StreamConfig> e : sorted(s.config().streams()).entrySet()) {
            String sid = "config sid=0x" + Integer.toHexString(e.getKey());
            out.accept(sid + " ste=" + ConfigText.ste(e.getValue().ste()));
            for (Map.Entry<Integer, Cd> cd : e.getValue().cds().entrySet()) {
                out.accept(sid + " cd ssid=0x" + Integer.toHexString(cd.getKey()) + " " + ConfigText.cd(cd.getValue()));
            }
        }
        EventQueue ev = s.events();
        out.accept("evtq capacity=" + ev.capacity() + " queued=" + ev.records().size() + " overflow="
                + (ev.overflow() ? 1 : 0) + " lost=" + ev.lost() + " recorded=" + ev.recorded() + " consumed="
                + ev.consumed());
        for (SmmuEvent r : ev.records()) {
            out.accept("event " + r.toText());
        }
        out.accept("invalidations issued=" + s.invalidationsIssued() + " unsynced=" + s.unsynced().size() + " syncs="
                + s.syncsCompleted());
        for (IssuedInvalidation i : s.unsynced()) {
            out.accept("unsynced #" + i.seq() + " " + i.command().toText());
        }
    }

    /** The programmed stream table and its level-1 descriptors: as written, and what the cache holds. */
    private static void streamTable(StreamTable t, Consumer<String> out) {
        if (t.format() == null) {
            return; // never programmed: a linear table over SIDSIZE, as before stream-table formats
        }
        out.accept("strtab " + t.format().toText() + (t.log2Size() != t.format().log2Size()
                ? " effective-log2size=" + t.log2Size() : "") + (t.twoLevel() ? " l1=" + t.l1Count() : ""));
        java.util.TreeSet<Integer> indexes = new java.util.TreeSet<>(t.memory().keySet());
        indexes.addAll(t.cached().keySet());
        for (int i : indexes) {
            long first = (long) i << t.format().split();
            L1Descriptor m = t.memory().getOrDefault(i, L1Descriptor.INVALID);
            L1Descriptor c = t.cached().get(i);
            out.accept("l1 index=0x" + Integer.toHexString(i) + " sids=0x" + Long.toHexString(first) + "-0x"
                    + Long.toHexString(first + (1L << t.format().split()) - 1) + " " + m.toText() + " cached="
                    + (c == null ? "none" : "span=" + c.span() + ",l2ptr=0x" + Long.toHexString(c.l2Ptr())));
        }
    }

    /** StreamIDs are unsigned: order them so, as the hardware's stream table is. */
    private static Map<Integer, StreamConfig> sorted(Map<Integer, StreamConfig> streams) {
        Map<Integer, StreamConfig> m = new TreeMap<>(Integer::compareUnsigned);
        m.putAll(streams);
        return m;
    }
}
