package org.iommusim.protocol.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

/**
 * Vectors worked out by hand from reference §5, so the codec is checked
 * against the layout rather than against itself. Each comment shows the bit
 * arithmetic behind the hex literal.
 */
class EventGoldenTest {

    private static SmmuEvent decodeOk(RawEvent raw) {
        return assertInstanceOf(SmmuEvent.class, EventCodec.decode(raw));
    }

    @Test
    void stage1TranslationFaultOnInputAddress() {
        // dw0: TYPE 0x10 | SSV (1<<11 = 0x800) | SSID 0x3<<12 = 0x3000 | SID 0x12<<32
        //      = 0x0000_0012_0000_3810
        // dw1: RnW (1<<35 = 0x8_0000_0000) | CLASS 2<<40 = 0x200_0000_0000
        //      = 0x0000_0208_0000_0000
        RawEvent raw = new RawEvent(0x0000_0012_0000_3810L, 0x0000_0208_0000_0000L, 0xdeadb000L, 0);
        FTranslation expected = new FTranslation(new Origin(0x12, true, 0x3), Stall.NONE,
                new AccessAttributes(false, false, true), new WalkInfo(false, EventClass.INPUT_ADDRESS, 0), 0xdeadb000L);

        FTranslation e = assertInstanceOf(FTranslation.class, decodeOk(raw));
        assertEquals(expected, e);
        assertEquals(0x12, e.sid());
        assertEquals(0x3, e.origin().ssid());
        assertEquals(true, e.access().rnw());
        assertEquals(EventClass.INPUT_ADDRESS, e.walk().eventClass());
        assertEquals(raw, expected.encode());
        assertEquals(expected, FTranslation.stage1(Origin.substream(0x12, 0x3), 0xdeadb000L, AccessAttributes.read()));
        assertEquals("F_TRANSLATION sid=0x12 ssv=1 ssid=0x3 stag=0x0 stall=0 pnu=0 ind=0 rnw=1 s2=0"
                + " class=INPUT_ADDRESS iova=0xdeadb000 ipa=0x0", e.toText());
    }

    @Test
    void stalledStage2PermissionFaultOnTableWalk() {
        // dw0: TYPE 0x13, SSV 0, SSID 0, SID 0x8000_0001<<32 (top bit set: SID is unsigned)
        //      = 0x8000_0001_0000_0013
        // dw1: STAG 0x1234 | STALL 1<<31 = 0x8000_0000 | PnU 1<<33 = 0x2_0000_0000
        //      | RnW 1<<35 = 0x8_0000_0000 | S2 1<<39 = 0x80_0000_0000 | CLASS 1<<40 = 0x100_0000_0000
        //      high half: 0x2 + 0x8 + 0x80 + 0x100 = 0x18A -> 0x0000_018A_8000_1234
        // dw3: IPA 0x000f_ffff_ffff_f000, the last 4K page below 2^52
        RawEvent raw = new RawEvent(0x8000_0001_0000_0013L, 0x0000_018A_8000_1234L,
                0xffff_8000_1234_5000L, 0x000f_ffff_ffff_f000L);
        FPermission expected = new FPermission(new Origin(0x8000_0001, false, 0), new Stall(0x1234, true),
                new AccessAttributes(true, false, true), new WalkInfo(true, EventClass.TABLE_WALK, 0x000f_ffff_ffff_f000L),
                0xffff_8000_1234_5000L);

        FPermission e = assertInstanceOf(FPermission.class, decodeOk(raw));
        assertEquals(expected, e);
        assertEquals(0x8000_0001L, e.origin().sidUnsigned());
        assertEquals(0x1234, e.stall().stag());
        assertEquals(true, e.walk().s2());
        assertEquals(0x000f_ffff_ffff_f000L, e.walk().ipa());
        assertEquals(raw, expected.encode());
        assertEquals("F_PERMISSION sid=0x80000001 ssv=0 ssid=0x0 stag=0x1234 stall=1 pnu=1 ind=0 rnw=1 s2=1"
                + " class=TABLE_WALK iova=0xffff800012345000 ipa=0xffffffffff000", e.toText());
    }

    @Test
    void stage2PermissionFactoryMatchesHandEncoding() {
        // dw0: TYPE 0x13 | SSV 0x800 | SSID 0xfffff<<12 = 0xffff_f000 | SID 0x42<<32
        //      = 0x0000_0042_ffff_f813
        // dw1: write so RnW 0; S2 1<<39 = 0x80_0000_0000 | CLASS 2<<40 = 0x200_0000_0000
        //      = 0x0000_0280_0000_0000
        RawEvent raw = new RawEvent(0x0000_0042_ffff_f813L, 0x0000_0280_0000_0000L, 0x1000L, 0x8000_0000L);
        FPermission e = FPermission.stage2(Origin.substream(0x42, 0xfffff), 0x1000L, 0x8000_0000L, true);

        assertEquals(raw, e.encode());
        assertEquals(e, decodeOk(raw));
        assertEquals("F_PERMISSION sid=0x42 ssv=1 ssid=0xfffff stag=0x0 stall=0 pnu=0 ind=0 rnw=0 s2=1"
                + " class=INPUT_ADDRESS iova=0x1000 ipa=0x80000000", e.toText());
    }

    @Test
    void badStreamIdWithLargestSid() {
        // dw0: TYPE 0x02 | SID 0xffff_ffff<<32 = 0xffff_ffff_0000_0002; dw1..dw3 unused
        RawEvent raw = new RawEvent(0xffff_ffff_0000_0002L, 0, 0, 0);
        CBadStreamId expected = new CBadStreamId(Origin.stream(0xffff_ffffL));

        CBadStreamId e = assertInstanceOf(CBadStreamId.class, decodeOk(raw));
        assertEquals(expected, e);
        assertEquals(-1, e.sid());
        assertEquals(0xffff_ffffL, e.origin().sidUnsigned());
        assertEquals(raw, expected.encode());
        assertEquals("C_BAD_STREAMID sid=0xffffffff ssv=0 ssid=0x0", e.toText());
    }

    @Test
    void badContextDescriptorForSubstream() {
        // dw0: TYPE 0x0A | SSV 0x800 | SSID 0x12345<<12 = 0x1234_5000 | SID 0x7<<32
        //      = 0x0000_0007_1234_580A
        RawEvent raw = new RawEvent(0x0000_0007_1234_580AL, 0, 0, 0);
        CBadCd expected = new CBadCd(Origin.substream(0x7, 0x12345));

        CBadCd e = assertInstanceOf(CBadCd.class, decodeOk(raw));
        assertEquals(expected, e);
        assertEquals(raw, expected.encode());
        assertEquals("C_BAD_CD sid=0x7 ssv=1 ssid=0x12345", e.toText());
    }

    @Test
    void contextDescriptorFetchAbort() {
        // dw0: TYPE 0x09 | SSV 0x800 | SSID 0x5<<12 = 0x5000 | SID 0x100<<32 = 0x0000_0100_0000_5809
        // dw3: the CD address being fetched, 0x8_0004_0040 (below 2^52)
        RawEvent raw = new RawEvent(0x0000_0100_0000_5809L, 0, 0, 0x0000_0008_0004_0040L);
        FCdFetch expected = new FCdFetch(Origin.substream(0x100, 0x5), 0x8_0004_0040L);

        FCdFetch e = assertInstanceOf(FCdFetch.class, decodeOk(raw));
        assertEquals(expected, e);
        assertEquals(0x8_0004_0040L, e.fetchAddress());
        assertEquals(raw, expected.encode());
        assertEquals("F_CD_FETCH sid=0x100 ssv=1 ssid=0x5 fetch_addr=0x800040040", e.toText());
    }

    @Test
    void pageRequest() {
        // dw0: TYPE 0x24 | SSV 0x800 | SSID 0x1<<12 = 0x1000 | SID 0x3<<32 = 0x0000_0003_0000_1824
        // dw1: InD 1<<34 = 0x4_0000_0000 | RnW 1<<35 = 0x8_0000_0000 = 0x0000_000C_0000_0000
        RawEvent raw = new RawEvent(0x0000_0003_0000_1824L, 0x0000_000C_0000_0000L, 0x7fff_0000L, 0);
        EPageRequest expected = new EPageRequest(Origin.substream(0x3, 0x1), new AccessAttributes(false, true, true), 0x7fff_0000L);

        EPageRequest e = assertInstanceOf(EPageRequest.class, decodeOk(raw));
        assertEquals(expected, e);
        assertEquals(raw, expected.encode());
        assertEquals("E_PAGE_REQUEST sid=0x3 ssv=1 ssid=0x1 pnu=0 ind=1 rnw=1 iova=0x7fff0000", e.toText());
    }

    @Test
    void bytesAreFourLittleEndianWordsInOrder() {
        RawEvent raw = new RawEvent(0x0000_0012_0000_3810L, 0x0000_0208_0000_0000L, 0xdeadb000L, 0x0102_0304_0506_0708L);
        byte[] expected = {
            0x10, 0x38, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00,                              // dw0
            0x00, 0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00,                              // dw1
            0x00, (byte) 0xb0, (byte) 0xad, (byte) 0xde, 0x00, 0x00, 0x00, 0x00,         // dw2
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,                              // dw3
        };
        assertArrayEquals(expected, raw.toBytes());

        byte[] padded = new byte[40];
        System.arraycopy(expected, 0, padded, 5, 32);
        assertEquals(raw, RawEvent.fromBytes(padded, 5));
    }
}
