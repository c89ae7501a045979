package org.iommusim.persistence.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.junit.jupiter.api.Test;

/**
 * STE.S2R / STE.S2HA, CD.R / CD.HA (Arm IHI 0070, 5.5 and 3.13.2) and IDR0.HTTU are journaled, and
 * journals written before them read as what they meant: every fault recorded, no hardware AF update.
 */
class ConfigCodecsTest {

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static DataInputStream bytes(Writer w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            w.write(out);
        }
        return new DataInputStream(new ByteArrayInputStream(b.toByteArray()));
    }

    @Test
    void recordAndAccessFlagBitsRoundTrip() throws IOException {
        Ste ste = Ste.nested(2, S1Dss.BYPASS, 9, DomainId.of(4)).withS2r(false).withS2ha(true);
        assertEquals(ste, ConfigCodecs.readSte(bytes(out -> ConfigCodecs.writeSte(ste, out))));
        Cd cd = Cd.of(5, DomainId.of(3)).withR(false).withHa(true);
        assertEquals(cd, ConfigCodecs.readCd(bytes(out -> ConfigCodecs.writeCd(cd, out))));
        SmmuCapabilities caps = SmmuCapabilities.builder().httu(true).build();
        assertEquals(caps, ConfigCodecs.readCaps(bytes(out -> ConfigCodecs.writeCaps(caps, out))));
        SmmuCapabilities none = SmmuCapabilities.defaults();
        assertFalse(ConfigCodecs.readCaps(bytes(out -> ConfigCodecs.writeCaps(none, out))).httu());
    }

    @Test
    void anStePersistedBeforeTheFlagsRecordsFaults() throws IOException {
        // the old layout: V as a boolean byte, then Config, S1CDMax, S1DSS, VMID, the stage-2 domain
        Ste old = ConfigCodecs.readSte(bytes(out -> {
            out.writeBoolean(true);
            out.writeByte(Ste.stage2(9, DomainId.of(4)).config().ordinal());
            out.writeByte(0);
            out.writeByte(S1Dss.TERMINATE.ordinal());
            out.writeInt(9);
            out.writeLong(4);
        }));
        assertEquals(Ste.stage2(9, DomainId.of(4)), old);
        assertTrue(old.s2r());
        assertFalse(old.s2ha());
        Cd oldCd = ConfigCodecs.readCd(bytes(out -> {
            out.writeBoolean(true);
            out.writeInt(5);
            out.writeLong(3);
        }));
        assertEquals(Cd.of(5, DomainId.of(3)), oldCd);
    }

    /** STE.S1ContextPtr and CD.TTB0 (Arm IHI 0070, 5.2, 5.4) round-trip; records without them read as none (-1). */
    @Test
    void contextPointerAndTtb0RoundTripAndAreAbsentFromOlderRecords() throws IOException {
        Ste ste = Ste.nested(0, S1Dss.SSID0, 9, DomainId.of(4)).withS1ContextPtr(0x3000_0040L).withS2r(false);
        assertEquals(ste, ConfigCodecs.readSte(bytes(out -> ConfigCodecs.writeSte(ste, out))));
        Cd cd = Cd.of(5, DomainId.of(3)).withTtb0(0x2000_0000L).withHa(true);
        assertEquals(cd, ConfigCodecs.readCd(bytes(out -> ConfigCodecs.writeCd(cd, out))));
        Ste plain = Ste.stage2(9, DomainId.of(4));
        assertEquals(-1, ConfigCodecs.readSte(bytes(out -> ConfigCodecs.writeSte(plain, out))).s1ContextPtr());
        Cd oldCd = ConfigCodecs.readCd(bytes(out -> {
            out.writeByte(1);
            out.writeInt(5);
            out.writeLong(3);
        }));
        assertEquals(Cd.NO_ADDRESS, oldCd.ttb0());
    }

    @Test
    void unknownFlagBitsAreRefusedByName() {
        IOException e = assertThrows(IOException.class, () -> ConfigCodecs.readCd(bytes(out -> {
            out.writeByte(0x41);
            out.writeInt(5);
            out.writeLong(3);
        })));
        assertEquals("CD flags 0x41 have unknown bits", e.getMessage());
    }

    /** A CD whose stage-1 tables are in guest memory round-trips; the bit means nothing in an STE. */
    @Test
    void guestTablesRoundTripAndAreRefusedWhereTheyMeanNothing() throws IOException {
        Cd cd = Cd.of(5, DomainId.of(3)).withGuestTables(0x2000_0000L).withR(false);
        Cd read = ConfigCodecs.readCd(bytes(out -> ConfigCodecs.writeCd(cd, out)));
        assertEquals(cd, read);
        assertTrue(read.guestTables());
        assertFalse(ConfigCodecs.readCd(bytes(out -> ConfigCodecs.writeCd(cd.withTtb0(-1), out))).guestTables());
        IOException noAddress = assertThrows(IOException.class, () -> ConfigCodecs.readCd(bytes(out -> {
            out.writeByte(0x11); // V and guest tables, no TTB0
            out.writeInt(5);
            out.writeLong(3);
        })));
        assertTrue(noAddress.getMessage().startsWith("corrupt CD"), noAddress.getMessage());
    }

    /** An STE whose CD table is in guest memory round-trips; the bit on an STE that is not nested is corrupt. */
    @Test
    void guestCdsRoundTripAndAreRefusedWhereTheyMeanNothing() throws IOException {
        Ste ste = Ste.nested(0, S1Dss.SSID0, 9, DomainId.of(2)).withGuestCds(0x2001_0000L).withS2r(false);
        Ste read = ConfigCodecs.readSte(bytes(out -> ConfigCodecs.writeSte(ste, out)));
        assertEquals(ste, read);
        assertTrue(read.guestCds());
        assertFalse(ConfigCodecs.readSte(bytes(out -> ConfigCodecs.writeSte(ste.withS1ContextPtr(-1), out)))
                .guestCds());
        Ste plain = Ste.stage2(9, DomainId.of(2)).withS1ContextPtr(0x2001_0000L);
        byte[] b = bytes(out -> ConfigCodecs.writeSte(plain, out)).readAllBytes();
        b[0] |= 0x10;
        IOException e = assertThrows(IOException.class,
                () -> ConfigCodecs.readSte(new java.io.DataInputStream(new java.io.ByteArrayInputStream(b))));
        assertTrue(e.getMessage().startsWith("corrupt STE"), e.getMessage());
    }
}
