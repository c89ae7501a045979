package org.iommusim.actors.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.serialization.MessageSerializer;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.serialization.CausalStamp;
import org.iommusim.persistence.serialization.Stamped;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;
import scala.Option;

/** The journal's record bytes are Pekko's, whichever of the two encoders wrote them. */
class PersistentRecordEncoderTest {

    @Test
    void writesTheBytesPekkosMessageSerializerWrites() {
        DeterministicRuntime rt = DeterministicRuntime.fifo();
        ActorSystem<Object> system = rt.createSystem(Behaviors.ignore(), "det-encoder", ConfigFactory.load());
        try {
            ExtendedActorSystem classic = (ExtendedActorSystem) Adapter.toClassic(system);
            MessageSerializer pekko = new MessageSerializer(classic);
            PersistentRecordEncoder encoder = new PersistentRecordEncoder(classic);
            List<Object> events = List.of(
                    new DomainEvent.Allocated(DomainSpec.stage1(Granule.G4K, 48, 48, 1)),
                    new DomainEvent.TableChanged(new Mapped(List.of(new MapSegment(0x1000, 0x2000, 0x1000, Prot.rw())))),
                    new DomainEvent.Freed());
            List<PersistentRepr> records = new ArrayList<>();
            long[] sequenceNrs = {1, 127, 128, 1L << 40, Long.MAX_VALUE};
            long[] timestamps = {0, 1, 63, 64, 1_765_000_000_000L, Long.MAX_VALUE};
            int i = 0;
            for (Object event : events) {
                for (Object payload : List.of(event, new Stamped(new CausalStamp(1 + i * 1000L, i * 77L), event))) {
                    for (String pid : List.of("", "smmu-0", "smmu-0/tbu-1", "domain-\u00e9\u20ac-" + "x".repeat(200))) {
                        for (String writer : List.of("", "0b3c6c2e-6a43-3f1b-9d1e-5b1f7d1e2c3a")) {
                            String manifest = i % 3 == 0 ? "" : "m" + i;
                            records.add(PersistentRepr.apply(payload, sequenceNrs[i % sequenceNrs.length], pid,
                                    manifest, false, null, writer).withTimestamp(timestamps[i % timestamps.length]));
                            i++;
                        }
                    }
                }
            }
            for (PersistentRepr p : records) {
                byte[] ours = encoder.encode(p);
                assertNotNull(ours, "the model's events are encoded here: " + p);
                assertArrayEquals(pekko.toBinary(p), ours, "bytes of " + p);
                PersistentRepr back = (PersistentRepr) pekko.fromBinary(ours, Option.empty());
                assertEquals(p.payload(), back.payload());
                assertEquals(p.sequenceNr(), back.sequenceNr());
                assertEquals(p.persistenceId(), back.persistenceId());
                assertEquals(p.writerUuid(), back.writerUuid());
                assertEquals(p.timestamp(), back.timestamp());
                // a writer id and timestamp given apart give the bytes of the record carrying them
                PersistentRepr restamped = p.update(p.sequenceNr(), p.persistenceId(), p.deleted(), p.sender(),
                        "restamped-writer").withTimestamp(p.timestamp() / 2 + 5);
                assertArrayEquals(pekko.toBinary(restamped),
                        encoder.encode(p, "restamped-writer", p.timestamp() / 2 + 5), "restamped " + p);
            }
            // anything else is left to Pekko's serializer
            assertNull(encoder.encode(PersistentRepr.apply("a string", 1, "p", "", false, null, "w")));
            assertNull(encoder.encode(PersistentRepr.apply(events.get(2), 1, "p", "", true, null, "w")));
            assertNull(encoder.encode(PersistentRepr.apply(events.get(2), 1, "p", "", false, null, "w")
                    .withMetadata("meta")));
        } finally {
            rt.terminate(system);
        }
    }
}
