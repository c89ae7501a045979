package org.iommusim.protocol.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;

/**
 * Entries worked out by hand from the reference layouts (§1): each expected
 * word is written as the sum of its fields, so a wrong shift in the codec
 * cannot agree with the test by construction.
 */
class CommandGoldenVectorTest {

    private static void golden(Command expected, long dw0, long dw1, String text) {
        assertEquals(new RawCommand(dw0, dw1), expected.encode(), "encode " + expected);
        assertEquals(expected, CommandCodec.decode(dw0, dw1), "decode");
        assertEquals(text, expected.toText());
    }

    @Test
    void tlbiNhVaSingleAddress() {
        // OP 0x12 | VMID 0x56 << 32 | ASID 0x1234 << 48 ; dw1: VA 0xdeadb000 | LEAF 1
        golden(TlbiNhVa.of(0x56, 0x1234, 0xdeadb000L, true),
                0x1234_0056_0000_0012L, 0x0000_0000_dead_b001L,
                "TLBI_NH_VA asid=0x1234 vmid=0x56 va=0xdeadb000 leaf=1");
    }

    @Test
    void tlbiNhVaRange() {
        // OP 0x12 | NUM 3 << 12 | SCALE 2 << 20 | VMID 1 << 32 | ASID 2 << 48
        // dw1: LEAF 1 | TTL 3 << 8 | TG 1 << 10 | VA 0x40000000 -> (3+1) * 2^2 = 16 pages of 4K
        TlbiNhVa cmd = new TlbiNhVa(1, 2, 0x4000_0000L, true, TlbiRange.of(Granule.G4K, 2, 3, 3));
        golden(cmd, 0x0002_0001_0020_3012L, 0x4000_0701L,
                "TLBI_NH_VA asid=0x2 vmid=0x1 va=0x40000000 leaf=1 tg=4K scale=2 num=3 ttl=3 pages=16");
        assertEquals(new InvalidationSpan(0x4000_0000L, 0x4000_FFFFL), cmd.span());
    }

    @Test
    void tlbiNhVaa() {
        golden(new TlbiNhVaa(2, 0x1000, false, TlbiRange.NONE), 0x0000_0002_0000_0013L, 0x1000L,
                "TLBI_NH_VAA vmid=0x2 va=0x1000 leaf=0");
    }

    @Test
    void tlbiNhAsidAndAll() {
        golden(new TlbiNhAsid(1, 0xFFFF), 0xFFFF_0001_0000_0011L, 0, "TLBI_NH_ASID asid=0xffff vmid=0x1");
        golden(new TlbiNhAll(0x56), 0x0000_0056_0000_0010L, 0, "TLBI_NH_ALL vmid=0x56");
    }

    @Test
    void tlbiStage2() {
        golden(new TlbiS12Vmall(3), 0x0000_0003_0000_0028L, 0, "TLBI_S12_VMALL vmid=0x3");
        // IPA occupies [51:12]: the highest IPA page plus LEAF
        golden(TlbiS2Ipa.of(4, 0x000F_FFFF_FFFF_F000L, true), 0x0000_0004_0000_002AL, 0x000F_FFFF_FFFF_F001L,
                "TLBI_S2_IPA vmid=0x4 ipa=0xffffffffff000 leaf=1");
        golden(new TlbiNsnhAll(), 0x30, 0, "TLBI_NSNH_ALL");
    }

    @Test
    void tlbiEl2AndEl3() {
        golden(new TlbiEl2All(), 0x20, 0, "TLBI_EL2_ALL");
        golden(new TlbiEl2Asid(5), 0x0005_0000_0000_0021L, 0, "TLBI_EL2_ASID asid=0x5");
        golden(new TlbiEl2Va(5, 0x2000, false, TlbiRange.NONE), 0x0005_0000_0000_0022L, 0x2000,
                "TLBI_EL2_VA asid=0x5 va=0x2000 leaf=0");
        golden(new TlbiEl2Vaa(0x3000, true, TlbiRange.NONE), 0x23, 0x3001, "TLBI_EL2_VAA va=0x3000 leaf=1");
        golden(new TlbiEl3All(), 0x18, 0, "TLBI_EL3_ALL");
        golden(new TlbiEl3Va(0x4000, false, TlbiRange.NONE), 0x1A, 0x4000, "TLBI_EL3_VA va=0x4000 leaf=0");
    }

    @Test
    void cfgiFamily() {
        golden(new CfgiSte(0x10, true), 0x0000_0010_0000_0003L, 1, "CFGI_STE sid=0x10 leaf=1");
        // RANGE 3 covers 2^4 = 16 streams from 0x25 aligned down: 0x20..0x2f
        CfgiSteRange range = new CfgiSteRange(0x25, 3);
        golden(range, 0x0000_0025_0000_0004L, 3, "CFGI_STE_RANGE sid=0x25 range=3 first=0x20 count=16");
        assertEquals(true, range.covers(0x2F));
        assertEquals(false, range.covers(0x30));
        golden(CfgiSteRange.all(), 0x04, 0x1F, "CFGI_ALL sid=0x0 range=31 first=0x0 count=4294967296");
        // SSID 3 << 12 | SID 7 << 32
        golden(new CfgiCd(7, 3, false), 0x0000_0007_0000_3005L, 0, "CFGI_CD sid=0x7 ssid=0x3 leaf=0");
        golden(new CfgiCdAll(7), 0x0000_0007_0000_0006L, 0, "CFGI_CD_ALL sid=0x7");
    }

    @Test
    void prefetchFamily() {
        // SSV 1 << 11 | SSID 5 << 12 | SID 0x11 << 32
        golden(new PrefetchConfig(0x11, true, 5), 0x0000_0011_0000_5801L, 0, "PREFETCH_CONFIG sid=0x11 ssv=1 ssid=0x5");
        golden(new PrefetchAddr(1, false, 0, 3, 0x8000_0000L), 0x0000_0001_0000_0002L, 0x8000_0003L,
                "PREFETCH_ADDR sid=0x1 ssv=0 ssid=0x0 size=3 addr=0x80000000");
    }

    @Test
    void atcAndPriAndStall() {
        // GLOBAL 1 << 9 | SSV 1 << 11 | SSID 2 << 12 | SID 0x100 << 32 ; dw1 SIZE 52
        golden(new AtcInv(0x100, true, 2, true, 52, 0), 0x0000_0100_0000_2A40L, 0x34,
                "ATC_INV sid=0x100 ssv=1 ssid=0x2 global=1 size=52 addr=0x0");
        // dw1: GRPID 0x1ff | RESP 2 << 12
        golden(new PriResp(9, false, 0, 0x1FF, PriResponse.SUCC), 0x0000_0009_0000_0041L, 0x21FF,
                "PRI_RESP sid=0x9 ssv=0 ssid=0x0 grpid=0x1ff resp=SUCC");
        // RESP 1 << 12 | SID 9 << 32 ; dw1 STAG
        golden(new Resume(9, ResumeAction.RETRY, 0xABCD), 0x0000_0009_0000_1044L, 0xABCD,
                "RESUME sid=0x9 resp=RETRY stag=0xabcd");
        golden(new StallTerm(0xFFFF_FFFF), 0xFFFF_FFFF_0000_0045L, 0, "STALL_TERM sid=0xffffffff");
    }

    @Test
    void cmdSync() {
        // CS 1 << 12 | MSH 3 << 22 | MSIATTR 0xf << 24 | MSIDATA 0xcafe << 32 ; dw1 MSIADDR
        golden(new CmdSync(SyncCompletion.IRQ, 3, 0xF, 0xCAFE, 0x1234_5678L), 0x0000_CAFE_0FC0_1046L, 0x1234_5678L,
                "CMD_SYNC cs=IRQ msh=3 msiattr=0xf msidata=0xcafe msiaddr=0x12345678");
        golden(CmdSync.poll(), 0x46, 0, "CMD_SYNC cs=NONE msh=0 msiattr=0x0 msidata=0x0 msiaddr=0x0");
    }

    @Test
    void rawBytesAreLittleEndian() {
        byte[] b = new RawCommand(0x0807_0605_0403_0201L, 0x100F_0E0D_0C0B_0A09L).toBytes();
        for (int i = 0; i < 16; i++) {
            assertEquals(i + 1, b[i]);
        }
        assertInstanceOf(CommandError.class, CommandCodec.decode(RawCommand.fromBytes(b, 0)));
    }
}
