package org.iommusim.protocol.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** One test per decode-error reason, pinning the text a user will see. */
class EventDecodeErrorTest {

    private static String reason(long dw0, long dw1, long dw2, long dw3) {
        return assertInstanceOf(EventDecodeError.class, EventCodec.decode(new RawEvent(dw0, dw1, dw2, dw3))).reason();
    }

    @Test
    void unknownEventId() {
        assertEquals("unknown event id 0x3f", reason(0x3f, 0, 0, 0));
        assertEquals("unknown event id 0x00", reason(0, 0, 0, 0));
        assertEquals("unknown event id 0xff", reason(0xff, 0, 0, 0));
    }

    @Test
    void reservedClassValue() {
        // F_TRANSLATION with CLASS (dw1[41:40]) = 3
        assertEquals("reserved class value 3", reason(0x10, 3L << 40, 0, 0));
    }

    /** Arm IHI 0070, 7.3.13 F_TRANSLATION: the IPA field is IPA[51:12], so dw3[11:0] are RES0. */
    @Test
    void ipaBelowBit12IsReserved() {
        // F_TRANSLATION, S2 set, IPA with a byte offset
        assertEquals("ipa bits [11:0] set in dw3 (the field is IPA[51:12]): 0x8",
                reason(0x10, 1L << 39, 0, 0x4000_0008L));
        // a fetch address is not an IPA: F_STE_FETCH keeps its low bits
        assertInstanceOf(FSteFetch.class, EventCodec.decode(new RawEvent(0x03, 0, 0, 0x4000_0008L)));
    }

    @Test
    void ipaAboveBit51() {
        // F_PERMISSION, S2 set, IPA bit 52 set
        assertEquals("ipa bits above 51 set in dw3: 0x10000000000000", reason(0x13, 1L << 39, 0, 1L << 52));
    }

    @Test
    void fetchAddressAboveBit51() {
        assertEquals("fetch address bits above 51 set in dw3: 0x8000000000000000",
                reason(0x03, 0, 0, 0x8000_0000_0000_1000L));
    }

    @Test
    void reservedBitsInDw0() {
        // dw0[10:8] sit between TYPE and SSV
        assertEquals("reserved bits set in dw0: 0x100", reason(0x10 | 0x100, 0, 0, 0));
    }

    @Test
    void reservedBitsInDw1() {
        // bit 32 sits between STALL (31) and PnU (33); bit 63 is above CLASS
        assertEquals("reserved bits set in dw1: 0x100000000", reason(0x10, 1L << 32, 0, 0));
        assertEquals("reserved bits set in dw1: 0x8000000000000000", reason(0x10, 1L << 63, 0, 0));
    }

    @Test
    void fieldsTheEventTypeDoesNotCarry() {
        // RnW on a configuration event
        assertEquals("unused bits set in dw1 for C_BAD_STREAMID: 0x800000000", reason(0x02, 1L << 35, 0, 0));
        // STALL on a page request, which is never stalled
        assertEquals("unused bits set in dw1 for E_PAGE_REQUEST: 0x80000000", reason(0x24, 1L << 31, 0, 0));
        // an input address on a fetch abort
        assertEquals("unused bits set in dw2 for F_CD_FETCH: 0x1000", reason(0x09, 0, 0x1000, 0));
        // an IPA on a page request
        assertEquals("unused bits set in dw3 for E_PAGE_REQUEST: 0x1", reason(0x24, 0, 0, 1));
        // a fetch address on a configuration event
        assertEquals("unused bits set in dw3 for C_BAD_STE: 0x40", reason(0x04, 0, 0, 0x40));
    }

    @Test
    void ssidWithoutSsv() {
        assertEquals("ssid 0x5 set without ssv", reason(0x02 | (0x5L << 12), 0, 0, 0));
    }

    @Test
    void stagWithoutStall() {
        assertEquals("stag 0x7 set without stall", reason(0x10, 0x7, 0, 0));
    }

    @Test
    void ipaWithoutStage2() {
        assertEquals("ipa 0x1000 set without s2", reason(0x10, 0, 0, 0x1000));
    }

    @Test
    void errorTextShowsReasonAndFullWords() {
        EventDecode d = EventCodec.decode(new RawEvent(0x3f, 0x1, 0xdead_beefL, -1L));
        assertEquals("EVENT_ERROR reason=\"unknown event id 0x3f\" dw0=0x000000000000003f"
                + " dw1=0x0000000000000001 dw2=0x00000000deadbeef dw3=0xffffffffffffffff", d.toText());
    }

    @Test
    void byteDecodeKeepsTheOriginalWords() {
        RawEvent raw = new RawEvent(0x3f, 2, 3, 4);
        EventDecodeError e = assertInstanceOf(EventDecodeError.class, EventCodec.decode(raw.toBytes(), 0));
        assertEquals(raw, e.raw());
    }

    @Test
    void tooFewBytesIsACallerBugNotADecodeError() {
        assertThrows(IndexOutOfBoundsException.class, () -> EventCodec.decode(new byte[40], 9));
    }
}
