package org.iommusim.protocol.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every refusal the decoder makes is an ILL value with a reason, never an exception. */
class CommandErrorTest {

    private static CommandError refused(long dw0, long dw1) {
        CommandError e = assertInstanceOf(CommandError.class, CommandCodec.decode(dw0, dw1));
        assertEquals(CommandErrorCode.ILL, e.code());
        return e;
    }

    @Test
    void unknownOpcode() {
        CommandError e = refused(0xFF, 0);
        assertEquals("unknown opcode 0xff", e.reason());
        assertEquals("CERROR_ILL opcode=0xff reason=\"unknown opcode 0xff\" dw0=0x00000000000000ff dw1=0x0000000000000000",
                e.toText());
    }

    @Test
    void secureBitOnNonSecureQueue() {
        assertEquals("TLBI_NH_VA has SSEC=1 on the non-secure command queue", refused(0x412, 0).reason());
    }

    @Test
    void reservedBitsAreNamed() {
        assertEquals("CFGI_STE: reserved bits set: dw0 0x0000000000000000 dw1 0x0000000000000002",
                refused(0x03, 0x2).reason());
        // S2_IPA has no address bits above 51
        assertTrue(refused(0x2A, 1L << 52).reason().endsWith("dw1 0x0010000000000000"));
        // NH_ALL uses VMID only: an ASID is reserved there
        assertTrue(refused(0x0001_0000_0000_0010L, 0).reason().contains("dw0 0x0001000000000000"));
    }

    @Test
    void reservedEnumValues() {
        assertTrue(refused(0x3046, 0).reason().contains("CS=3 is reserved"));
        assertTrue(refused(0x3044, 0).reason().contains("RESP=3 is reserved"));
        assertTrue(refused(0x41, 0x3000).reason().contains("RESP=3 is reserved"));
    }

    @Test
    void rangeFieldsWithoutTg() {
        // NUM=1 with TG=0
        assertTrue(refused(0x1012, 0).reason().contains("NUM/SCALE/TTL set while TG=0"));
    }

    @Test
    void reservedRangeEncodings() {
        // TG=1 (4K), TTL=0, NUM=0, SCALE=0
        assertTrue(refused(0x12, 0x400).reason().contains("TTL=0, NUM=0 and SCALE=0 is reserved"));
        // TG=3 (64K), TTL=1
        assertTrue(refused(0x12, 0xD00).reason().contains("TTL=1 is reserved with TG=3"));
    }

    @Test
    void atcInvSizeBeyondEverything() {
        assertTrue(refused(0x40, 53).reason().contains("size=53 is outside 0..52"));
    }

    @Test
    void ssidWithoutSsv() {
        assertTrue(refused(0x0000_0001_0000_5001L, 0).reason().contains("given with SSV=0"));
    }

    @Test
    void constructorsRefuseOutOfRangeFields() {
        assertThrows(IllegalArgumentException.class, () -> new TlbiNhAsid(0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> TlbiNhVa.of(0, 0, 0x1001, true));
        assertThrows(IllegalArgumentException.class, () -> new CfgiCd(0, 0x100000, false));
        assertThrows(IllegalArgumentException.class, () -> new CmdSync(SyncCompletion.NONE, 0, 0, 0, 0x3));
    }

    @Test
    void partialEntryInAFileIsAnErrorNotADrop() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandCodec.decodeAll(new byte[20]));
        assertTrue(e.getMessage().contains("20 bytes"));
    }
}
