package org.iommusim.simulations.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.persistence.serialization.MessageFormats;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.persistence.replay.JournalKey;
import org.iommusim.persistence.replay.PekkoRecordWriter;
import org.iommusim.persistence.replay.StoredMessage;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal layout the benchmark writes directly is the one Pekko writes:
 * every event record the real SMMU and stream actors wrote is re-encoded by
 * {@link PekkoRecordWriter#message} from its own fields, byte for byte; and
 * {@link StoredMessage}'s field scan reads the fields Pekko's generated
 * protobuf classes read.
 */
class PekkoRecordWriterTest {

    @Test
    void recordsAreByteIdenticalToWhatPekkoWrote(@TempDir Path tmp) throws Exception {
        SmmuRecordedHistory.write(tmp.resolve("run"));
        Path copy = copy(tmp.resolve("run/journal"), tmp.resolve("copy"));
        int events = 0;
        try (DB db = JniDBFactory.factory.open(copy.toFile(), new Options()); DBIterator it = db.iterator()) {
            StoredMessage scan = new StoredMessage();
            for (it.seekToFirst(); it.hasNext(); ) {
                Map.Entry<byte[], byte[]> e = it.next();
                JournalKey k = JournalKey.decode(e.getKey());
                assertArrayEquals(k.encode(), e.getKey(), "20-byte keys");
                if (!k.isEvent()) {
                    continue;
                }
                MessageFormats.PersistentMessage m = MessageFormats.PersistentMessage.parseFrom(e.getValue());
                byte[] again = PekkoRecordWriter.message(m.getPersistenceId(), m.getSequenceNr(),
                        m.getPayload().getSerializerId(), m.getPayload().getPayloadManifest().toStringUtf8(),
                        m.getPayload().getPayload().toByteArray(), m.getWriterUuid(), m.getTimestamp());
                assertArrayEquals(e.getValue(), again, m.getPersistenceId() + " #" + m.getSequenceNr());
                scan.scan(e.getValue(), m.getPersistenceId(), m.getSequenceNr());
                assertEquals(m.getSequenceNr(), scan.sequenceNr());
                assertEquals(m.getTimestamp(), scan.timestamp());
                assertEquals(m.getWriterUuid(), scan.writerUuid());
                assertEquals(m.getPayload().getSerializerId(), scan.serializerId());
                assertEquals(m.getPayload().getPayloadManifest().toStringUtf8(), scan.manifest());
                assertArrayEquals(m.getPayload().getPayload().toByteArray(), scan.payload());
                events++;
            }
        }
        assertEquals(20, events);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.getFileName().toString().equals("LOCK")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        assertTrue(Files.exists(to.resolve("CURRENT")));
        return to;
    }
}
