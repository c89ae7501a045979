package org.iommusim.actors.exec;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.serialization.MessageSerializer;
import org.apache.pekko.serialization.JSerializer;
import scala.Option;

/**
 * Pekko Persistence's own record serializer ({@link MessageSerializer}: the
 * same protobuf bytes, the same reading), bound in a deterministic system in
 * its place, which stamps two fields of each journal record that Pekko fills
 * from outside the run, so that a deterministic run writes the same bytes
 * every time:
 * <ul>
 * <li>the timestamp, which the LevelDB journal sets to
 * {@code System.currentTimeMillis()} ({@code LeveldbStore.addToMessageBatch}):
 * here, the runtime's virtual time in milliseconds (and the journal, told
 * so, reads no clock for it);</li>
 * <li>the writer id, a {@code UUID.randomUUID()} per incarnation of an
 * event-sourced actor ({@code EventSourcedBehaviorImpl.WriterIdentity}):
 * here, a name-based UUID of the persistence id and the sequence number of
 * the first event that incarnation writes, as unique per incarnation
 * (incarnations of one id write one after another, at rising sequence
 * numbers) and the same in every run.</li>
 * </ul>
 *
 * <p>Why a serializer and not a subclass of the journal: Pekko's LevelDB read
 * journal (used to list the persistence ids at start) refuses any write
 * journal whose configured class is not exactly Pekko's
 * {@code LeveldbJournal} ({@code LeveldbReadJournal}'s constructor checks the
 * class name); the journal passes every record through the serializer bound
 * to {@code pekko.persistence.serialization.Message} and stores only the
 * bytes, so rebinding that class changes the two fields and nothing else.
 *
 * <p>A record whose event the model's own serializer writes is encoded here
 * ({@link PersistentRecordEncoder}: the bytes Pekko's protobuf builders
 * would make, without the builders); any other goes through Pekko's.
 */
public final class DeterministicMessageSerializer extends JSerializer {
    /** A serializer id of its own (Pekko keeps 0 to 40); the LevelDB journal does not store it. */
    public static final int IDENTIFIER = 7_460_001;

    private final MessageSerializer pekko;
    private final PersistentRecordEncoder encoder;
    private final DeterministicRuntime runtime;
    private final Map<String, String> writers = new ConcurrentHashMap<>();

    /** The constructor Pekko calls. */
    public DeterministicMessageSerializer(ExtendedActorSystem system) {
        this.pekko = new MessageSerializer(system);
        this.encoder = new PersistentRecordEncoder(system);
        this.runtime = RuntimeRegistry.lookup(system.settings().config());
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return pekko.includeManifest();
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof PersistentRepr p) {
            String writer = writers.computeIfAbsent(p.writerUuid(), random -> UUID.nameUUIDFromBytes(
                    (p.persistenceId() + "#" + p.sequenceNr()).getBytes(StandardCharsets.UTF_8)).toString());
            long millis = runtime.nowNanos() / 1_000_000L;
            byte[] bytes = encoder.encode(p, writer, millis);
            return bytes != null ? bytes
                    : pekko.toBinary(p.update(p.sequenceNr(), p.persistenceId(), p.deleted(), p.sender(), writer)
                            .withTimestamp(millis));
        }
        return pekko.toBinary(o);
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        return pekko.fromBinary(bytes, Option.apply(manifest));
    }
}
