package org.iommusim.simulations.replay;

import java.util.Map;
import java.util.function.Consumer;
import org.iommusim.persistence.stream.StreamState;
import org.iommusim.protocol.config.Cd;

/**
 * A stream's memory as software wrote it (not necessarily in force: see the
 * SMMU's {@code config} lines): {@code ste <ste>}, then
 * {@code cd ssid=0x.. <cd>} per written CD, by SubstreamID.
 */
final class StreamStateRenderer implements StateRenderer<StreamState> {

    @Override
    public void lines(StreamState s, Consumer<String> out) {
        out.accept("ste " + ConfigText.ste(s.ste()));
        for (Map.Entry<Integer, Cd> cd : s.memory().cds().entrySet()) {
            out.accept("cd ssid=0x" + Integer.toHexString(cd.getKey()) + " " + ConfigText.cd(cd.getValue()));
        }
    }
}
