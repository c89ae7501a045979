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
