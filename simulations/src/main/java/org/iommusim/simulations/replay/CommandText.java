package org.iommusim.simulations.replay;

import java.util.List;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.event.RawEvent;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * Queue entries as the log shows them: {@code [5] CMD_SYNC cs=NONE ...},
 * numbered by queue index ({@code [?]} when the index is not known), decoded
 * with {@link CommandCodec} so an illegal entry reads as the CERROR it is;
 * in JSON the raw words beside the decoded text.
 */
final class CommandText {
    private CommandText() {}

    static String entry(long index, RawCommand raw) {
        return (index < 0 ? "[?] " : "[" + index + "] ") + CommandCodec.decode(raw).toText();
    }

    /** Entries joined by {@code "; "}, the first at {@code firstIndex} (negative: unknown). */
    static String entries(long firstIndex, List<RawCommand> raws) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raws.size(); i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(entry(firstIndex < 0 ? -1 : firstIndex + i, raws.get(i)));
        }
        return sb.toString();
    }

    static JsonObject json(RawCommand raw) {
        return new JsonObject().word("dw0", raw.dw0()).word("dw1", raw.dw1())
                .string("text", CommandCodec.decode(raw).toText());
    }

    static JsonObject json(long index, RawCommand raw) {
        JsonObject o = new JsonObject();
        if (index >= 0) {
            o.number("index", index);
        }
        return o.word("dw0", raw.dw0()).word("dw1", raw.dw1()).string("text", CommandCodec.decode(raw).toText());
    }

    static JsonObject json(SmmuEvent e) {
        RawEvent r = e.encode();
        return new JsonObject().word("dw0", r.dw0()).word("dw1", r.dw1()).word("dw2", r.dw2()).word("dw3", r.dw3())
                .string("text", e.toText());
    }
}
