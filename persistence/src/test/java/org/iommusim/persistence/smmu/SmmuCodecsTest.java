package org.iommusim.persistence.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.persistence.serialization.IommuSimSerializer;
import org.iommusim.persistence.stream.StreamEvent;
import org.iommusim.persistence.stream.StreamState;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.event.AccessAttributes;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.Origin;
import org.junit.jupiter.api.Test;

class SmmuCodecsTest {
    private final IommuSimSerializer serializer = new IommuSimSerializer();

    private Object roundTrip(Object v) throws Exception {
        return serializer.fromBinary(serializer.toBinary(v), serializer.manifest(v));
    }

    @Test
    void everySmmuAndStreamEventRoundTrips() throws Exception {
        SmmuCapabilities odd = SmmuCapabilities.builder().stage1(false).ril(false).hyp(true).ats(true).stall(true)
                .asidBits(8).sidBits(32).ssidBits(0).granules(java.util.EnumSet.of(Granule.G64K)).oas(52).cmdqs(19)
                .eventqs(3).iotlbEntries(64).iotlbPolicy(IotlbPolicy.RANDOM).iotlbSeed(-7).build();
        Ste nested = Ste.nested(3, S1Dss.SSID0, 9, DomainId.of(4));
        for (Object e : List.of(
                new SmmuChange.Configured(odd),
                new SmmuChange.Submitted(List.of(new CfgiSte(1, true).encode(), new RawCommand(0xFF, -1))),
                new SmmuChange.Consumed(3, List.of(new ConfigLoad(5, nested, true, Map.of(0, Cd.of(1, DomainId.of(2)))),
                        new ConfigLoad(6, null, false, Map.of(7, Cd.invalid())))),
                new SmmuChange.Halted(12, CommandErrorCode.ILL, "unknown opcode 0xff"),
                new SmmuChange.Resumed(CmdSync.poll().encode()),
                new SmmuChange.Resumed(null),
                new SmmuChange.FaultsRecorded(List.of(FTranslation.stage1(Origin.substream(3, 4), 0x5000, AccessAttributes.write()))),
                new SmmuChange.EventsConsumed(2),
                new SmmuChange.OverflowAcknowledged(),
                new StreamEvent.SteWritten(nested),
                new StreamEvent.CdWritten(7, Cd.of(0xFFFF, DomainId.of(0))))) {
            assertEquals(e, roundTrip(e));
        }
    }

    /**
     * Two-level stream tables (Arm IHI 0070, 3.3.2, 6.3.1 IDR0.ST_LEVEL): the new events, the capability bit and
     * the snapshot section round-trip; a snapshot without a programmed table keeps the earlier layout (first
     * byte 1, no section), which is how snapshots from before stream-table formats read back.
     */
    @Test
    void streamTableEventsCapabilityAndSnapshotSectionRoundTrip() throws Exception {
        SmmuCapabilities caps = SmmuCapabilities.defaults();
        for (Object e : List.of(new SmmuChange.Configured(caps),
                new SmmuChange.Configured(caps.toBuilder().twoLevelStreamTables(false).build()),
                new SmmuChange.StreamTableProgrammed(org.iommusim.protocol.config.StreamTableFormat.twoLevel(16, 8)),
                new SmmuChange.StreamTableProgrammed(org.iommusim.protocol.config.StreamTableFormat.linear(5)),
                new SmmuChange.L1DescriptorWritten(255, new org.iommusim.protocol.config.L1Descriptor(9, 0xF_FFFF_FFFF_FFC0L)))) {
            assertEquals(e, roundTrip(e));
        }
        SmmuFixture f = new SmmuFixture(caps);
        byte[] unprogrammed = serializer.toBinary(f.state);
        f.apply(((SmmuDecision.Accept) f.state.decideStreamTable(
                org.iommusim.protocol.config.StreamTableFormat.twoLevel(12, 6))).events());
        f.apply(((SmmuDecision.Accept) f.state.decideWriteL1(3, new org.iommusim.protocol.config.L1Descriptor(7, 0x1000)))
                .events());
        f.apply(((SmmuDecision.Accept) f.state.decideWriteL1(5, new org.iommusim.protocol.config.L1Descriptor(2, 0x2000)))
                .events());
        f.writeSte(0xC0, Ste.bypass());
        f.submit(new CfgiSte(0xC0, true), CmdSync.poll());
        assertEquals(1, f.state.config().table().cached().size());
        assertEquals(f.state, roundTrip(f.state));
        assertEquals(SmmuState.UNCONFIGURED.apply(new SmmuChange.Configured(caps)), serializer.fromBinary(unprogrammed,
                serializer.manifest(f.state)));
    }

    @Test
    void snapshotsRoundTrip() throws Exception {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.defaults());
        f.writeSte(1, Ste.stage1(2, S1Dss.BYPASS));
        f.writeCd(1, 3, Cd.of(5, DomainId.of(6)));
        f.ackedThrough = 0;
        f.submit(new CfgiSte(1, false), TlbiNhVa.of(0, 5, 0x1000, true), CmdSync.poll(), new CfgiSte(2, true));
        f.apply(List.of(new SmmuChange.FaultsRecorded(List.of(FTranslation.stage1(Origin.stream(1), 0, AccessAttributes.read())))));
        assertEquals(f.state, roundTrip(f.state));
        assertEquals(SmmuState.UNCONFIGURED, roundTrip(SmmuState.UNCONFIGURED));
        StreamState stream = StreamState.EMPTY.apply(new StreamEvent.SteWritten(Ste.bypass()))
                .apply(new StreamEvent.CdWritten(1, Cd.of(2, DomainId.of(3))));
        assertEquals(stream, roundTrip(stream));
    }
}
