package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.iotlb.Entries.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.SyncCompletion;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiEl2All;
import org.iommusim.protocol.command.TlbiEl2Asid;
import org.iommusim.protocol.command.TlbiEl2Va;
import org.iommusim.protocol.command.TlbiEl2Vaa;
import org.iommusim.protocol.command.TlbiEl3All;
import org.iommusim.protocol.command.TlbiEl3Va;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNhVaa;
import org.iommusim.protocol.command.TlbiNsnhAll;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.translate.Perms;
import org.junit.jupiter.api.Test;

class IotlbCodecsTest {

    static <T> byte[] bytes(BinaryCodec<T> codec, T value) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        codec.write(value, new DataOutputStream(buf));
        return buf.toByteArray();
    }

    static <T> T roundTrip(BinaryCodec<T> codec, T value) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes(codec, value)));
        T back = codec.read(in);
        assertEquals(-1, in.read(), "the codec reads exactly what it wrote");
        return back;
    }

    static final List<IotlbEntry> ENTRIES = List.of(
            s1(0, 0xFFFF, 0xFFFF_FFFF_F000L),
            s1Block(0xFFFF, 0, 0x4020_0000L),
            s2(7, 0x000F_FFFF_FFFF_F000L),
            nested(3, 4, 0x1000),
            IotlbEntry.nested(3, 4, 0x20_0000, M2, Granule.G4K, 1, 0x8020_0000L, new Perms(false, true, true, false)),
            IotlbEntry.stage1(1, 2, 0x2000_0000L, Granule.G64K, 2, 0x4000_0000L, new Perms(true, false, true, false)),
            IotlbEntry.stage2(1, 0x2000_0000L, Granule.G16K, 2, 0, new Perms(false, false, false, false)),
            IotlbEntry.stage1(1, 2, 0, Granule.G4K, 1, G1, RW));

    /** A fill of guest tables carries the walk's guest-memory reads; a plain fill's bytes are as before. */
    @Test
    void aFillOfGuestTablesRoundTripsWithItsReadsAndPlainFillsKeepTheirFormat() throws IOException {
        List<org.iommusim.persistence.pagetable.MemoryTableWalk.Read> reads = List.of(
                new org.iommusim.persistence.pagetable.MemoryTableWalk.Read(0, 0x2000_0000L, 0x9100_0000L, 0x2000_1003L),
                new org.iommusim.persistence.pagetable.MemoryTableWalk.Read(3, 0x2000_3000L, 0x9100_3000L,
                        0x1_0000_0443L));
        for (IotlbEntry v : new IotlbEntry[] {null, ENTRIES.get(0)}) {
            IotlbEvent.Filled f = new IotlbEvent.Filled(nested(3, 4, 0x1000), v).withGuestReads(reads);
            IotlbEvent.Filled back = roundTrip(IotlbCodecs.FILLED, f);
            assertEquals(f, back);
            assertEquals(reads, back.guestReads());
            assertEquals(bytes(IotlbCodecs.FILLED, new IotlbEvent.Filled(f.entry(), v)).length + 4 + 2 * 25,
                    bytes(IotlbCodecs.FILLED, f).length);
        }
        byte[] plain = bytes(IotlbCodecs.FILLED, IotlbEvent.Filled.withoutEviction(s1(0, 0, 0)));
        assertEquals(0, plain[plain.length - 1], "the old victim byte: 0, no reads");
        assertTrue(IotlbEvent.Filled.withoutEviction(s1(0, 0, 0)).guestReads().isEmpty());
        plain[plain.length - 1] = 4;
        IOException e = assertThrows(IOException.class, () -> IotlbCodecs.FILLED.read(
                new DataInputStream(new ByteArrayInputStream(plain))));
        assertEquals("fill flags 0x4 have unknown bits", e.getMessage());
    }

    @Test
    void filledRoundTripsForEveryKindWithAndWithoutAVictim() throws IOException {
        for (IotlbEntry e : ENTRIES) {
            IotlbEvent.Filled plain = IotlbEvent.Filled.withoutEviction(e);
            assertEquals(plain, roundTrip(IotlbCodecs.FILLED, plain));
            for (IotlbEntry v : ENTRIES) {
                IotlbEvent.Filled evicting = new IotlbEvent.Filled(e, v);
                assertEquals(evicting, roundTrip(IotlbCodecs.FILLED, evicting));
            }
        }
        assertEquals(1 + 25, bytes(IotlbCodecs.FILLED, IotlbEvent.Filled.withoutEviction(s1(0, 0, 0))).length);
        assertEquals(1 + 23, bytes(IotlbCodecs.FILLED, IotlbEvent.Filled.withoutEviction(s2(0, 0))).length);
    }

    @Test
    void invalidatedRoundTripsForEveryTlbiAsItsSixteenByteEncoding() throws IOException {
        TlbiRange range = TlbiRange.of(Granule.G16K, 3, 17, 2);
        List<TlbiCommand> commands = List.of(new TlbiNhAll(9), new TlbiNhAsid(9, 0xFFFF),
                TlbiNhVa.of(1, 2, 0xFFFF_FFFF_FFFF_F000L, true), new TlbiNhVa(1, 2, 0x40_0000, false, range),
                new TlbiNhVaa(3, 0x1000, true, TlbiRange.of(Granule.G4K, 0, 0, 3)), new TlbiEl3All(),
                new TlbiEl3Va(0x2000, false, range), new TlbiEl2All(), new TlbiEl2Asid(4),
                new TlbiEl2Va(4, 0x3000, true, TlbiRange.NONE), new TlbiEl2Vaa(0x3000, false, range),
                new TlbiS12Vmall(0xFFFF), new TlbiS2Ipa(5, 0x000F_FFFF_FFFF_F000L, true, TlbiRange.of(Granule.G64K, 31, 31, 3)),
                new TlbiNsnhAll());
        assertEquals(14, commands.size());
        for (TlbiCommand c : commands) {
            IotlbEvent.Invalidated event = new IotlbEvent.Invalidated(c, 12345);
            assertEquals(event, roundTrip(IotlbCodecs.INVALIDATED, event), c.toText());
            assertEquals(20, bytes(IotlbCodecs.INVALIDATED, event).length);
        }
    }

    @Test
    void flushedRoundTripsInZeroBytes() throws IOException {
        assertEquals(new IotlbEvent.Flushed(), roundTrip(IotlbCodecs.FLUSHED, new IotlbEvent.Flushed()));
        assertEquals(0, bytes(IotlbCodecs.FLUSHED, new IotlbEvent.Flushed()).length);
    }

    @Test
    void snapshotRoundTripsEntriesInOrderGeneratorStateAndCounters() throws IOException {
        for (IotlbPolicy policy : IotlbPolicy.values()) {
            IotlbShard shard = IotlbShard.empty(new IotlbConfig(6, policy, -3));
            for (IotlbEntry e : ENTRIES) {
                shard.fill(e);
            }
            shard.lookup(0, 0xFFFF, IotlbEntry.Kind.STAGE1, 0xFFFF_FFFF_F123L);
            shard.lookup(0, 1, IotlbEntry.Kind.STAGE1, 0);
            shard.invalidate(new TlbiNhAll(3));
            shard.invalidate(new TlbiEl2All());
            IotlbSnapshot snapshot = shard.snapshot();
            IotlbSnapshot back = roundTrip(IotlbCodecs.SNAPSHOT, snapshot);
            assertEquals(snapshot, back, policy.name());
            assertEquals(snapshot, IotlbShard.restore(back).snapshot());
        }
        IotlbSnapshot empty = IotlbShard.empty(new IotlbConfig(1, IotlbPolicy.LRU, 0)).snapshot();
        assertEquals(empty, roundTrip(IotlbCodecs.SNAPSHOT, empty));
    }

    @Test
    void corruptRecordsFailAsIoExceptions() throws IOException {
        byte[] sync = new CmdSync(SyncCompletion.NONE, 0, 0, 0, 0).encode().toBytes();
        byte[] notTlbi = new byte[20];
        System.arraycopy(sync, 0, notTlbi, 0, 16);
        assertThrows(IOException.class, () -> IotlbCodecs.INVALIDATED.read(new DataInputStream(new ByteArrayInputStream(notTlbi))));

        byte[] entry = bytes(IotlbCodecs.FILLED, IotlbEvent.Filled.withoutEviction(s1(0, 0, 0x1000)));
        byte[] badKind = entry.clone();
        badKind[0] = 9;
        assertThrows(IOException.class, () -> IotlbCodecs.FILLED.read(new DataInputStream(new ByteArrayInputStream(badKind))));
        byte[] misaligned = entry.clone();
        misaligned[3] = 13; // size shift 13 with a level-3 4K leaf
        assertThrows(IOException.class, () -> IotlbCodecs.FILLED.read(new DataInputStream(new ByteArrayInputStream(misaligned))));
    }

    @Test
    void manifestsAreInTheIotlbNamespace() {
        for (String m : List.of(IotlbCodecs.FILLED_MANIFEST, IotlbCodecs.INVALIDATED_MANIFEST, IotlbCodecs.FLUSHED_MANIFEST,
                IotlbCodecs.SNAPSHOT_MANIFEST)) {
            assertTrue(m.startsWith("I."), m);
        }
    }
}
