package org.iommusim.persistence.stream;

import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.persistence.serialization.ConfigCodecs;
import org.iommusim.persistence.serialization.JournalCodecs;

/** Binary forms of stream events and snapshots. */
public final class StreamCodecs {
    private StreamCodecs() {}

    public static void register(JournalCodecs codecs) {
        codecs.register("T.S", StreamEvent.SteWritten.class, BinaryCodec.<StreamEvent.SteWritten>of(
                (v, out) -> ConfigCodecs.writeSte(v.ste(), out),
                in -> new StreamEvent.SteWritten(ConfigCodecs.readSte(in))));
        codecs.register("T.C", StreamEvent.CdWritten.class, BinaryCodec.<StreamEvent.CdWritten>of(
                (v, out) -> {
                    out.writeInt(v.ssid());
                    ConfigCodecs.writeCd(v.cd(), out);
                },
                in -> new StreamEvent.CdWritten(in.readInt(), ConfigCodecs.readCd(in))));
        codecs.register("T.snap", StreamState.class, BinaryCodec.<StreamState>of(
                (v, out) -> ConfigCodecs.writeStream(v.memory(), out),
                in -> new StreamState(ConfigCodecs.readStream(in))));
    }
}
