package org.iommusim.simulations.replay;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.iommusim.persistence.cmdq.CommandQueue;
import org.iommusim.persistence.config.StreamConfig;
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

    /** StreamIDs are unsigned: order them so, as the hardware's stream table is. */
    private static Map<Integer, StreamConfig> sorted(Map<Integer, StreamConfig> streams) {
        Map<Integer, StreamConfig> m = new TreeMap<>(Integer::compareUnsigned);
        m.putAll(streams);
        return m;
    }
}
