package org.iommusim.persistence.stream;

import java.util.Optional;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/**
 * A stream's STE and CD table as software wrote them: "memory". Writes change
 * only this; the SMMU sees them when a CFGI loads them. A write is refused
 * only when it cannot address the table at all (a StreamID or SubstreamID
 * beyond the advertised widths); what an STE or CD says is judged when it is
 * used (C_BAD_STE, C_BAD_CD), as on hardware.
 */
public record StreamState(StreamConfig memory) implements JournalSerializable {
    public static final StreamState EMPTY = new StreamState(StreamConfig.UNCONFIGURED);

    /** Why a write to {@code sid} (and {@code ssid}, if not null) is refused, if it is. */
    public static Optional<String> refusal(int sid, Integer ssid, SmmuCapabilities caps) {
        if (!caps.sidInRange(Integer.toUnsignedLong(sid))) {
            return Optional.of("StreamID 0x" + Integer.toHexString(sid) + " is beyond the advertised "
                    + caps.sidBits() + "-bit StreamIDs");
        }
        if (ssid != null && !caps.ssidInRange(ssid)) {
            return Optional.of("SubstreamID 0x" + Integer.toHexString(ssid) + " is beyond the advertised "
                    + caps.ssidBits() + "-bit SubstreamIDs");
        }
        return Optional.empty();
    }

    public StreamState apply(StreamEvent event) {
        if (event instanceof StreamEvent.SteWritten s) {
            return new StreamState(memory.withSte(s.ste()));
        }
        StreamEvent.CdWritten c = (StreamEvent.CdWritten) event;
        return new StreamState(memory.withCd(c.ssid(), c.cd()));
    }

    public Ste ste() {
        return memory.ste();
    }

    public Optional<Cd> cd(int ssid) {
        return Optional.ofNullable(memory.cds().get(ssid));
    }
}
