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
import org.iommusim.persistence.config.StreamTable;
import org.iommusim.protocol.config.L1Descriptor;
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
        codecs.register("S.T", SmmuChange.StreamTableProgrammed.class,
                BinaryCodec.<SmmuChange.StreamTableProgrammed>of((v, out) -> ConfigCodecs.writeFormat(v.format(), out),
                        in -> new SmmuChange.StreamTableProgrammed(ConfigCodecs.readFormat(in))));
        codecs.register("S.1", SmmuChange.L1DescriptorWritten.class,
                BinaryCodec.<SmmuChange.L1DescriptorWritten>of((v, out) -> {
                    out.writeInt(v.index());
                    ConfigCodecs.writeL1(v.descriptor(), out);
                }, in -> new SmmuChange.L1DescriptorWritten(in.readInt(), ConfigCodecs.readL1(in))));
        codecs.register("S.E", SmmuChange.EventsConsumed.class, BinaryCodec.<SmmuChange.EventsConsumed>of(
                (v, out) -> out.writeInt(v.count()), in -> new SmmuChange.EventsConsumed(in.readInt())));
        codecs.register("S.O", SmmuChange.OverflowAcknowledged.class,
                BinaryCodec.<SmmuChange.OverflowAcknowledged>of((v, out) -> {}, in -> new SmmuChange.OverflowAcknowledged()));
        codecs.register("S.snap", SmmuState.class, BinaryCodec.of(SmmuCodecs::writeState, SmmuCodecs::readState));
    }

    // the first byte of a snapshot: 0 unconfigured, 1 configured; STREAM_TABLE_SECTION set when a
    // programmed stream table follows the rest (snapshots from before stream-table formats lack it)
    private static final int CONFIGURED = 1, STREAM_TABLE_SECTION = 2;

    private static void writeState(SmmuState s, DataOutput out) throws IOException {
        StreamTable table = s.config().table();
        boolean programmed = table.format() != null;
        out.writeByte(!s.configured() ? 0 : CONFIGURED | (programmed ? STREAM_TABLE_SECTION : 0));
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
        if (programmed) {
            ConfigCodecs.writeFormat(table.format(), out);
            out.writeByte(table.log2Size());
            writeL1s(table.memory(), out);
            writeL1s(table.cached(), out);
        }
    }

    private static void writeL1s(Map<Integer, L1Descriptor> l1s, DataOutput out) throws IOException {
        out.writeInt(l1s.size());
        for (Map.Entry<Integer, L1Descriptor> e : l1s.entrySet()) {
            out.writeInt(e.getKey());
            ConfigCodecs.writeL1(e.getValue(), out);
        }
    }

    private static Map<Integer, L1Descriptor> readL1s(DataInput in) throws IOException {
        int n = readCount(in);
        Map<Integer, L1Descriptor> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(in.readInt(), ConfigCodecs.readL1(in));
        }
        return out;
    }

    private static SmmuState readState(DataInput in) throws IOException {
        int first = in.readUnsignedByte();
        if ((first & ~(CONFIGURED | STREAM_TABLE_SECTION)) != 0) {
            throw new IOException("SMMU snapshot starts with unknown flags 0x" + Integer.toHexString(first));
        }
        if ((first & CONFIGURED) == 0) {
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
        long syncs = in.readLong();
        StreamTable table = StreamTable.DEFAULT;
        if ((first & STREAM_TABLE_SECTION) != 0) {
            var format = ConfigCodecs.readFormat(in);
            int log2Size = in.readUnsignedByte();
            table = new StreamTable(format, log2Size, readL1s(in), readL1s(in));
        }
        return new SmmuState(caps, q, ConfigCache.of(cache, table), ev, issued, List.copyOf(unsynced), syncs);
    }
}
