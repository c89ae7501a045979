package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;

class IdrInfoTest {

    @Test
    void defaultSmmuEncodesToHandWorkedIdrWords() {
        IdrRegisters r = IdrInfo.of(SmmuCapabilities.defaults()).encode();
        // IDR0: S2P(0) S1P(1) TTF=0b10 [3:2] COHACC(4) ASID16(12) MSI(13) SEV(14) VMID16(18)
        // TTENDIAN=0b10 [22:21] STALL_MODEL=0b01 [25:24] TERM_MODEL(26) STLEVEL=0b01 [28:27]
        assertEquals(0x1 | 0x2 | 0x8 | 0x10 | 0x1000 | 0x2000 | 0x4000 | 0x4_0000 | 0x40_0000 | 0x100_0000
                | 0x400_0000 | 0x800_0000, r.idr0());
        assertEquals(0x0D44_701B, r.idr0());
        // IDR1: SIDSIZE=16, SSIDSIZE=20 [10:6], EVTQS=7 [20:16], CMDQS=8 [25:21]
        assertEquals(0x0107_0510, r.idr1());
        assertEquals(0x400, r.idr3(), "RIL is bit 10");
        // IDR5: OAS=5 (48 bits), GRAN4K(4) GRAN16K(5) GRAN64K(6)
        assertEquals(0x75, r.idr5());
        assertArrayEquals(new int[] {0x0D44_701B, 0x0107_0510, 0, 0x400, 0, 0x75}, r.toArray());
    }

    @Test
    void aSmallStage2OnlySmmuEncodesToHandWorkedIdrWords() {
        SmmuCapabilities caps = SmmuCapabilities.builder().stage1(false).ril(false).asidBits(8).vmidBits(8)
                .hyp(true).ats(true).pri(true).stall(true).sidBits(8).ssidBits(0)
                .granules(Set.of(Granule.G64K)).oas(40).cmdqs(4).eventqs(2).build();
        IdrInfo info = IdrInfo.of(caps);
        assertEquals(new IdrInfo(false, true, false, false, false, 8, 0, false, false, true, 40, 4, 2, true, true,
                true, true, true), info);
        IdrRegisters r = info.encode();
        // S2P(0) TTF(3:2)=0b10 HYP(9) ATS(10) PRI(16), STALL_MODEL=0b00, and the fixed COHACC, MSI, SEV,
        // TTENDIAN, TERM_MODEL, STLEVEL bits (0x0C40_6010)
        assertEquals(0x0001_0609 | 0x0C40_6010, r.idr0());
        // SIDSIZE=8, EVTQS=2 <<16, CMDQS=4 <<21
        assertEquals(0x0082_0008, r.idr1());
        assertEquals(0, r.idr3());
        // OAS=2 (40 bits), GRAN64K(6)
        assertEquals(0x42, r.idr5());
    }

    /** Arm IHI 0070, 6.3.1: IDR0.ST_LEVEL [28:27] is 0b00 for an SMMU with linear stream tables only. */
    @Test
    void aLinearOnlySmmuAdvertisesStLevelZero() {
        IdrRegisters linear = IdrInfo.of(SmmuCapabilities.builder().twoLevelStreamTables(false).build()).encode();
        IdrRegisters twoLevel = IdrInfo.of(SmmuCapabilities.defaults()).encode();
        assertEquals(0, (linear.idr0() >>> 27) & 0b11);
        assertEquals(0b01, (twoLevel.idr0() >>> 27) & 0b11);
        assertEquals(twoLevel.idr0() & ~(0b11 << 27), linear.idr0(), "nothing else changes");
    }
}
