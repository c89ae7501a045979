package org.iommusim.simulations.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {

    /** One entry of every command family, words written by hand; each line must name its opcode and fields. */
    @Test
    void decodesEveryCommandFamily() {
        CliRunner r = CliRunner.run("decode",
                "0x0000001100005801", "0",                  // PREFETCH_CONFIG
                "0000000100000002", "80000003",             // PREFETCH_ADDR, without 0x
                "0x0000001000000003", "0x1",                // CFGI_STE
                "0x0000000000000004", "0x1f",               // CFGI_ALL
                "0x0000000700003005", "0",                  // CFGI_CD
                "0x0000000700000006", "0",                  // CFGI_CD_ALL
                "0x1234005600000012", "0xdeadb001",         // TLBI_NH_VA
                "0x0000000200000013", "0x1000",             // TLBI_NH_VAA
                "0xffff000100000011", "0",                  // TLBI_NH_ASID
                "0x0000005600000010", "0",                  // TLBI_NH_ALL
                "0x000000040000002a", "0x000ffffffffff001", // TLBI_S2_IPA
                "0x0000000300000028", "0",                  // TLBI_S12_VMALL
                "0x30", "0",                                // TLBI_NSNH_ALL
                "0x0005000000000022", "0x2000",             // TLBI_EL2_VA
                "0x1a", "0x4000",                           // TLBI_EL3_VA
                "0x0000010000002a40", "0x34",               // ATC_INV
                "0x0000000900000041", "0x21ff",             // PRI_RESP
                "0x0000000900001044", "0xabcd",             // RESUME
                "0xffffffff00000045", "0",                  // STALL_TERM
                "0x0000cafe0fc01046", "0x12345678");        // CMD_SYNC
        assertEquals(0, r.exitCode(), r.err());
        assertArrayEquals(new String[] {
                "PREFETCH_CONFIG sid=0x11 ssv=1 ssid=0x5",
                "PREFETCH_ADDR sid=0x1 ssv=0 ssid=0x0 size=3 addr=0x80000000",
                "CFGI_STE sid=0x10 leaf=1",
                "CFGI_ALL sid=0x0 range=31 first=0x0 count=4294967296",
                "CFGI_CD sid=0x7 ssid=0x3 leaf=0",
                "CFGI_CD_ALL sid=0x7",
                "TLBI_NH_VA asid=0x1234 vmid=0x56 va=0xdeadb000 leaf=1",
                "TLBI_NH_VAA vmid=0x2 va=0x1000 leaf=0",
                "TLBI_NH_ASID asid=0xffff vmid=0x1",
                "TLBI_NH_ALL vmid=0x56",
                "TLBI_S2_IPA vmid=0x4 ipa=0xffffffffff000 leaf=1",
                "TLBI_S12_VMALL vmid=0x3",
                "TLBI_NSNH_ALL",
                "TLBI_EL2_VA asid=0x5 va=0x2000 leaf=0",
                "TLBI_EL3_VA va=0x4000 leaf=0",
                "ATC_INV sid=0x100 ssv=1 ssid=0x2 global=1 size=52 addr=0x0",
                "PRI_RESP sid=0x9 ssv=0 ssid=0x0 grpid=0x1ff resp=SUCC",
                "RESUME sid=0x9 resp=RETRY stag=0xabcd",
                "STALL_TERM sid=0xffffffff",
                "CMD_SYNC cs=IRQ msh=3 msiattr=0xf msidata=0xcafe msiaddr=0x12345678"}, r.lines());
    }

    @Test
    void illegalEntryPrintsItsCerrorAndExitsOne() {
        CliRunner r = CliRunner.run("decode", "0x46", "0", "0x3046", "0");
        assertEquals(1, r.exitCode());
        String[] lines = r.lines();
        assertEquals("CMD_SYNC cs=NONE msh=0 msiattr=0x0 msidata=0x0 msiaddr=0x0", lines[0]);
        assertTrue(lines[1].startsWith("CERROR_ILL opcode=0x46 reason=\"CMD_SYNC: CS=3 is reserved"), lines[1]);
    }

    @Test
    void oddWordCountIsAUsageError() {
        CliRunner r = CliRunner.run("decode", "1", "2", "3");
        assertEquals(2, r.exitCode());
        assertEquals("decode: 3 words is not a whole number of commands (2 words each)", r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void badHexNamesTheWord() {
        CliRunner r = CliRunner.run("decode", "0x12", "zz");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("word 2: 'zz' is not a 64-bit hex word"), r.err());
    }

    @Test
    void readsRawLittleEndianFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cmdq.bin");
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x0000001000000003L).putLong(1).putLong(0x46).putLong(0);
        Files.write(f, b.array());
        CliRunner r = CliRunner.run("decode", "--file", f.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertArrayEquals(new String[] {"CFGI_STE sid=0x10 leaf=1",
                "CMD_SYNC cs=NONE msh=0 msiattr=0x0 msidata=0x0 msiaddr=0x0"}, r.lines());
    }

    @Test
    void truncatedFileAndMissingFileAreClearErrors(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("short.bin");
        Files.write(f, new byte[24]);
        CliRunner r = CliRunner.run("decode", "--file", f.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("holds 24 bytes, not a whole number of 16-byte command entries"), r.err());
        CliRunner missing = CliRunner.run("decode", "--file", dir.resolve("nope.bin").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void decodesEventRecords() {
        // F_TRANSLATION (0x10), SID 0x12; dw1 RnW (bit 35) and CLASS=2 (bits 41:40) ; dw2 IOVA
        CliRunner r = CliRunner.run("decode", "--events", "0x0000001200000010", "0x0000020800000000", "0xdeadb000", "0",
                "0x3f", "0", "0", "0");
        assertEquals(1, r.exitCode());
        assertEquals("F_TRANSLATION sid=0x12 ssv=0 ssid=0x0 stag=0x0 stall=0 pnu=0 ind=0 rnw=1 s2=0 "
                + "class=INPUT_ADDRESS iova=0xdeadb000 ipa=0x0", r.lines()[0]);
        assertTrue(r.lines()[1].contains("unknown event id 0x3f"), r.lines()[1]);
    }

    @Test
    void rawOptionShowsTheWords() {
        CliRunner r = CliRunner.run("decode", "--raw", "0x30", "0");
        assertEquals("0x0000000000000030 0x0000000000000000  TLBI_NSNH_ALL", r.lines()[0]);
    }
}
