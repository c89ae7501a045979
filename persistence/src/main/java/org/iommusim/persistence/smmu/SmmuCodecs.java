package org.iommusim.persistence.smmu;

import static org.iommusim.persistence.serialization.VocabularyCodecs.readCount;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.cmdq.CommandQueue;
import org.iommusim.persistence.cmdq.PendingEntries;
import org.iommusim.persistence.cmdq.QueueError;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.evtq.EventQueue;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.persistence.serialization.ConfigCodecs;
import org.iommusim.persistence.serialization.JournalCodecs;
import org.iommusim.persistence.serialization.VocabularyCodecs;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiCommand;

/**
 * Binary forms of SMMU events and snapshots. Command entries are stored as
 * their 16 bytes, fault records as their 32: the journal holds exactly what
 * the hardware queues would.
 */
public final class SmmuCodecs {
    private SmmuCodecs() {}

    public static void register(JournalCodecs codecs) {
        codecs.register("S.C", SmmuChange.Configured.class, BinaryCodec.<SmmuChange.Configured>of(
                (v, out) -> ConfigCodecs.writeCaps(v.caps(), out),
                in -> new SmmuChange.Configured(ConfigCodecs.readCaps(in))));
        codecs.register("S.S", SmmuChange.Submitted.class, BinaryCodec.<SmmuChange.Submitted>of(
                (v, out) -> VocabularyCodecs.writeRaws(v.entries(), out),
                in -> new SmmuChange.Submitted(VocabularyCodecs.readRaws(in))));
        codecs.register("S.K", SmmuChange.Consumed.class, BinaryCodec.<SmmuChange.Consumed>of(
                (v, out) -> {
                    out.writeInt(v.count());
                    VocabularyCodecs.writeList(v.loads(), ConfigCodecs::writeLoad, out);
                },
                in -> new SmmuChange.Consumed(in.readInt(), VocabularyCodecs.readList(in, ConfigCodecs::readLoad))));
        codecs.register("S.H", SmmuChange.Halted.class, BinaryCodec.<SmmuChange.Halted>of(
                (v, out) -> {
                    out.writeLong(v.index());
                    out.writeByte(v.code().ordinal());
                    out.writeUTF(v.reason());
                },
                in -> new SmmuChange.Halted(in.readLong(), CommandErrorCode.values()[in.readUnsignedByte()],
                        in.readUTF())));
        codecs.register("S.R", SmmuChange.Resumed.class, BinaryCodec.<SmmuChange.Resumed>of(
                (v, out) -> {
                    out.writeBoolean(v.replacement() != null);
                    if (v.replacement() != null) {
                        VocabularyCodecs.writeRaw(v.replacement(), out);
                    }
                },
                in -> new SmmuChange.Resumed(in.readBoolean() ? VocabularyCodecs.readRaw(in) : null)));
        codecs.register("S.F", SmmuChange.FaultsRecorded.class, BinaryCodec.<SmmuChange.FaultsRecorded>of(
                (v, out) -> VocabularyCodecs.writeEvents(v.records(), out),
                in -> new SmmuChange.FaultsRecorded(VocabularyCodecs.readEvents(in))));
        codecs.register("S.L", SmmuChange.FaultsLost.class, BinaryCodec.<SmmuChange.FaultsLost>of(
                (v, out) -> out.writeLong(v.count()), in -> new SmmuChange.FaultsLost(in.readLong())));
        codecs.register("S.E", SmmuChange.EventsConsumed.class, BinaryCodec.<SmmuChange.EventsConsumed>of(
                (v, out) -> out.writeInt(v.count()), in -> new SmmuChange.EventsConsumed(in.readInt())));
        codecs.register("S.O", SmmuChange.OverflowAcknowledged.class,
                BinaryCodec.<SmmuChange.OverflowAcknowledged>of((v, out) -> {}, in -> new SmmuChange.OverflowAcknowledged()));
        codecs.register("S.snap", SmmuState.class, BinaryCodec.of(SmmuCodecs::writeState, SmmuCodecs::readState));
    }

    private static void writeState(SmmuState s, DataOutput out) throws IOException {
        out.writeBoolean(s.configured());
        if (!s.configured()) {
            return;
        }
        ConfigCodecs.writeCaps(s.caps(), out);
        CommandQueue q = s.queue();
        out.writeLong(q.prod());
        out.writeLong(q.cons());
        VocabularyCodecs.writeRaws(q.pending().toList(), out);
        out.writeBoolean(q.error() != null);
        if (q.error() != null) {
            out.writeLong(q.error().index());
            out.writeByte(q.error().code().ordinal());
            out.writeUTF(q.error().reason());
        }
        out.writeInt(s.config().streams().size());
        for (Map.Entry<Integer, StreamConfig> e : new java.util.TreeMap<>(s.config().streams()).entrySet()) {
            out.writeInt(e.getKey());
            ConfigCodecs.writeStream(e.getValue(), out);
        }
        EventQueue ev = s.events();
        VocabularyCodecs.writeEvents(ev.records(), out);
        out.writeBoolean(ev.overflow());
        out.writeLong(ev.lost());
        out.writeLong(ev.recorded());
        out.writeLong(ev.consumed());
        out.writeLong(s.invalidationsIssued());
        out.writeInt(s.unsynced().size());
        for (IssuedInvalidation i : s.unsynced()) {
            out.writeLong(i.seq());
            VocabularyCodecs.writeRaw(i.raw(), out);
        }
        out.writeLong(s.syncsCompleted());
    }

    private static SmmuState readState(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return SmmuState.UNCONFIGURED;
        }
        var caps = ConfigCodecs.readCaps(in);
        long prod = in.readLong();
        long cons = in.readLong();
        PendingEntries pending = PendingEntries.EMPTY.append(VocabularyCodecs.readRaws(in));
        QueueError error = in.readBoolean()
                ? new QueueError(in.readLong(), CommandErrorCode.values()[in.readUnsignedByte()], in.readUTF()) : null;
        CommandQueue q = new CommandQueue(caps.commandQueueCapacity(), prod, cons, pending, error);
        int streams = readCount(in);
        Map<Integer, StreamConfig> cache = new HashMap<>();
        for (int i = 0; i < streams; i++) {
            cache.put(in.readInt(), ConfigCodecs.readStream(in));
        }
        EventQueue ev = new EventQueue(caps.eventQueueCapacity(), List.copyOf(VocabularyCodecs.readEvents(in)),
                in.readBoolean(), in.readLong(), in.readLong(), in.readLong());
        long issued = in.readLong();
        int n = readCount(in);
        List<IssuedInvalidation> unsynced = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = in.readLong();
            RawCommand raw = VocabularyCodecs.readRaw(in);
            unsynced.add(new IssuedInvalidation(seq, raw));
        }
        return new SmmuState(caps, q, ConfigCache.of(cache), ev, issued, List.copyOf(unsynced), in.readLong());
    }
}
