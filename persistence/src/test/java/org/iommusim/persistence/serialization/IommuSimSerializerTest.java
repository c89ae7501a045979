package org.iommusim.persistence.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.NotSerializableException;
import java.util.Arrays;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapSegment;
import org.junit.jupiter.api.Test;

class IommuSimSerializerTest {
    private final IommuSimSerializer serializer = new IommuSimSerializer();

    private Object roundTrip(Object value) throws NotSerializableException {
        byte[] bytes = serializer.toBinary(value);
        return serializer.fromBinary(bytes, serializer.manifest(value));
    }

    @Test
    void domainEventsRoundTrip() throws Exception {
        DomainSpec nested = DomainSpec.nested(DomainId.of(3), Granule.G16K, 48, 44, 0x1234);
        for (Object e : new Object[] {
                new DomainEvent.Allocated(nested),
                new DomainEvent.Allocated(DomainSpec.stage2(Granule.G64K, 40, 48, 7)),
                new DomainEvent.TableChanged(new Mapped(java.util.List.of(
                        new MapSegment(0x1000, 0x2000, 0x3000, Prot.of(Prot.WRITE | Prot.CACHE | Prot.PRIV))))),
                new DomainEvent.TableChanged(new Unmapped(java.util.List.of(new UnmapSegment(0x1000, 0x3000)))),
                new DomainEvent.Freed()}) {
            assertEquals(e, roundTrip(e));
        }
    }

    @Test
    void aMapEventIsCompact() {
        byte[] bytes = serializer.toBinary(new DomainEvent.TableChanged(new Mapped(java.util.List.of(
                new MapSegment(0x1000, 0x2000, 0x1000, Prot.rw())))));
        // kind + count + one segment of three longs and a prot byte
        assertEquals(1 + 4 + 25, bytes.length);
    }

    @Test
    void activeSnapshotRestoresEveryDescriptorBit() throws Exception {
        PageTable t = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1));
        t = t.map(MapBatch.of(new MapSegment(0x4000_0000L, 0x8000_0000L, (2L << 20) + 0x3000, Prot.of(Prot.READ)),
                new MapSegment(0x1_0000_0000L, 0x1_4000_0000L, 1L << 30, Prot.of(Prot.WRITE | Prot.NOEXEC | Prot.CACHE))))
                .table();
        t = t.unmap(0x1_0000_0000L, 1L << 30).table().map(0x1_0000_0000L, 0x2_0000_0000L, 0x5000, Prot.rw()).table();
        DomainState.Active restored = assertInstanceOf(DomainState.Active.class, roundTrip(new DomainState.Active(t)));
        assertEquals(t.digest(), restored.pageTable().digest());
        assertEquals(t.leaves(), restored.pageTable().leaves());
        // the restored table keeps the area marks: unmapping part of an area is still refused
        assertTrue(restored.pageTable().unmap(0x1_0000_0000L, 0x1000) instanceof org.iommusim.persistence.pagetable.UpdateResult.Failed);
    }

    @Test
    void otherStatesRoundTrip() throws Exception {
        assertEquals(DomainState.initial(), roundTrip(DomainState.initial()));
        DomainState.Freed freed = new DomainState.Freed(DomainSpec.stage1(Granule.G4K, 48, 48, 1));
        assertEquals(freed, roundTrip(freed));
    }

    @Test
    void corruptOrUnknownRecordsFailWithANamedError() {
        byte[] bytes = serializer.toBinary(new DomainEvent.Allocated(DomainSpec.stage1(Granule.G4K, 48, 48, 1)));
        NotSerializableException truncated = assertThrows(NotSerializableException.class,
                () -> serializer.fromBinary(Arrays.copyOf(bytes, 5), "D.A"));
        assertTrue(truncated.getMessage().contains("cannot read D.A record"), truncated.getMessage());
        NotSerializableException unknown = assertThrows(NotSerializableException.class,
                () -> serializer.fromBinary(bytes, "Z.Z"));
        assertTrue(unknown.getMessage().contains("unknown journal manifest 'Z.Z'"), unknown.getMessage());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertTrue(assertThrows(NotSerializableException.class, () -> serializer.fromBinary(longer, "D.A"))
                .getMessage().contains("3 trailing bytes"));
    }
}
