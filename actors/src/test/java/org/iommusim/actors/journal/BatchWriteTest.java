package org.iommusim.actors.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.leveldb.Key$;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.persistence.journal.GuardedLeveldbJournal;
import org.iommusim.persistence.journal.JournalSettings;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal's batch write (one sequence-number counter per entity and batch) stores exactly what Pekko's
 * LevelDB journal stores for the same batches, key for key and byte for byte, including the counters; and an
 * atomic write with an event that does not serialise stores none of its events, where Pekko's stores the ones
 * before it.
 */
class BatchWriteTest {

    @Test
    void storesWhatPekkosJournalStores(@TempDir Path dir) throws Exception {
        Path pekko = dir.resolve("pekko");
        Path ours = dir.resolve("ours");
        long started = System.currentTimeMillis();
        List<JournalSettings> settings = new ArrayList<>();
        ActorSystem system = ActorSystem.create("batch-write", plugin(pekko, "test.pekko", false, settings)
                .withFallback(plugin(ours, "test.ours", true, settings)).withFallback(ConfigFactory.load()));
        try {
            for (String id : List.of("test.pekko", "test.ours")) {
                ActorRef journal = Persistence.get(system).journalFor(id, ConfigFactory.empty());
                // several events of two entities in one batch, a rejected atomic write among them, then more
                assertEquals(List.of(true, true), written(system, journal,
                        write(event("a", 1, "a1"), event("a", 2, "a2"), event("a", 3, "a3")),
                        write(event("b", 1, "b1"))));
                assertEquals(List.of(true, false, true), written(system, journal,
                        write(event("b", 2, "b2"), event("b", 3, "b3")),
                        write(event("a", 4, new Object()), event("a", 5, "never")),
                        write(event("a", 4, "a4"))));
                assertEquals(List.of(true), written(system, journal, write(event("c", 1, "c1"), event("c", 2, "c2"))));
            }
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            settings.forEach(JournalSettings::release);
        }
        Map<String, byte[]> expected = contents(settings.get(0).journalDir());
        Map<String, byte[]> actual = contents(settings.get(1).journalDir());
        assertEquals(expected.keySet(), actual.keySet());
        // events are stamped with the wall clock as they are written: equal but for that, and stamped in the test
        ActorSystem decoder = ActorSystem.create("decode", ConfigFactory.load());
        try {
            org.apache.pekko.serialization.Serialization s = org.apache.pekko.serialization.SerializationExtension
                    .get(decoder);
            expected.forEach((k, v) -> {
                if (k.endsWith("/0") && !k.contains("#0/")) {
                    PersistentRepr e = s.deserialize(v, PersistentRepr.class).get();
                    PersistentRepr a = s.deserialize(actual.get(k), PersistentRepr.class).get();
                    assertTrue(a.timestamp() >= started && a.timestamp() <= System.currentTimeMillis(), k);
                    assertArrayEquals(s.serialize(e.withTimestamp(0)).get(), s.serialize(a.withTimestamp(0)).get(), k);
                } else {
                    assertArrayEquals(v, actual.get(k), k);
                }
            });
        } finally {
            decoder.terminate();
        }
        // the counters: a at 4, b at 3, c at 2 (each entity's is mapped to a numeric id from 10 on)
        assertTrue(actual.values().stream().filter(v -> v.length == 8).map(Key$.MODULE$::counterFromBytes).toList()
                .containsAll(List.of(4L, 3L, 2L)));
    }

    @Test
    void anAtomicWriteThatCannotBeSerialisedStoresNothing(@TempDir Path dir) throws Exception {
        List<JournalSettings> settings = new ArrayList<>();
        ActorSystem system = ActorSystem.create("batch-write-atomic",
                plugin(dir, "test.ours", true, settings).withFallback(ConfigFactory.load()));
        try {
            ActorRef journal = Persistence.get(system).journalFor("test.ours", ConfigFactory.empty());
            assertEquals(List.of(false, true), written(system, journal,
                    write(event("a", 1, "stored by Pekko's path"), event("a", 2, new Object())),
                    write(event("b", 1, "b1"))));
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            settings.forEach(JournalSettings::release);
        }
        Map<String, byte[]> stored = contents(settings.get(0).journalDir());
        long events = stored.keySet().stream().filter(k -> k.endsWith("/0") && !k.contains("#0/")).count();
        assertEquals(1, events, "only b's event: " + stored.keySet());
    }

    /** Where the record serializer stamps time (deterministic mode's), the journal leaves the timestamp as it is. */
    @Test
    void leavesTheTimestampToTheSerializerWhenToldSo(@TempDir Path dir) throws Exception {
        List<JournalSettings> settings = new ArrayList<>();
        Config plugin = plugin(dir.resolve("serializer"), "test.serializer", true, settings)
                .withValue("test.serializer." + GuardedLeveldbJournal.SERIALIZER_STAMPS_TIME,
                        ConfigValueFactory.fromAnyRef("on"))
                .withFallback(plugin(dir.resolve("wall"), "test.wall", true, settings));
        long started = System.currentTimeMillis();
        ActorSystem system = ActorSystem.create("batch-write-stamps", plugin.withFallback(ConfigFactory.load()));
        try {
            for (String id : List.of("test.serializer", "test.wall")) {
                ActorRef journal = Persistence.get(system).journalFor(id, ConfigFactory.empty());
                assertEquals(List.of(true), written(system, journal, write(event("a", 1, "a1"))));
            }
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            settings.forEach(JournalSettings::release);
        }
        ActorSystem decoder = ActorSystem.create("decode-stamps", ConfigFactory.load());
        try {
            org.apache.pekko.serialization.Serialization s = org.apache.pekko.serialization.SerializationExtension
                    .get(decoder);
            PersistentRepr left = s.deserialize(contents(settings.get(0).journalDir()).get("10#1/0"),
                    PersistentRepr.class).get();
            PersistentRepr stamped = s.deserialize(contents(settings.get(1).journalDir()).get("10#1/0"),
                    PersistentRepr.class).get();
            assertEquals(0L, left.timestamp(), "no clock read: the serializer (here Pekko's, which keeps it) decides");
            assertTrue(stamped.timestamp() >= started, "the default stamps the wall clock, as Pekko's store does");
        } finally {
            decoder.terminate();
        }
    }

    private static AtomicWrite write(PersistentRepr... events) {
        return new AtomicWrite(CollectionConverters.asScala(List.of(events)).toList());
    }

    private static PersistentRepr event(String id, long seq, Object payload) {
        return PersistentRepr.apply(payload, seq, id, "", false, ActorRef.noSender(), "writer");
    }

    /** Sends the atomic writes as one batch; true for each stored, false for each rejected. */
    private static List<Boolean> written(ActorSystem system, ActorRef journal, AtomicWrite... writes)
            throws InterruptedException {
        LinkedBlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        ActorRef writer = system.actorOf(Props.create(Collector.class, () -> new Collector(seen)));
        List<PersistentEnvelope> messages = List.of(writes);
        journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(messages).toList(), writer, 1),
                ActorRef.noSender());
        List<Boolean> out = new ArrayList<>();
        Object first = seen.poll(10, TimeUnit.SECONDS);
        assertEquals(JournalProtocol.WriteMessagesSuccessful$.MODULE$, first);
        int answers = 0;
        for (AtomicWrite w : writes) {
            answers += w.size();
        }
        List<Object> replies = new ArrayList<>();
        for (int i = 0; i < answers; i++) {
            replies.add(seen.poll(10, TimeUnit.SECONDS));
        }
        int at = 0;
        for (AtomicWrite w : writes) {
            out.add(replies.get(at) instanceof JournalProtocol.WriteMessageSuccess);
            at += w.size();
        }
        system.stop(writer);
        return out;
    }

    /** Every key (as numeric id #sequence number/mapping) and value of a closed LevelDB journal. */
    private static Map<String, byte[]> contents(Path journal) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (DB db = JniDBFactory.factory.open(journal.toFile(), new Options().createIfMissing(false));
                DBIterator it = db.iterator()) {
            for (it.seekToFirst(); it.hasNext(); ) {
                Map.Entry<byte[], byte[]> e = it.next();
                var k = Key$.MODULE$.keyFromBytes(e.getKey());
                out.put(k.persistenceId() + "#" + k.sequenceNr() + "/" + k.mappingId(), e.getValue());
            }
        }
        return out;
    }

    private static Config plugin(Path dataDir, String id, boolean guarded, List<JournalSettings> journals) {
        JournalSettings settings = JournalSettings.levelDb(dataDir).withFsync(false).prepare();
        journals.add(settings);
        Config leveldb = settings.toConfig().getConfig("pekko.persistence.journal.leveldb")
                .withFallback(ConfigFactory.load().getConfig("pekko.persistence.journal.leveldb"))
                .withValue("write-response-global-order", ConfigValueFactory.fromAnyRef("off"));
        if (!guarded) {
            leveldb = leveldb.withValue("class", ConfigValueFactory.fromAnyRef(
                    org.apache.pekko.persistence.journal.leveldb.LeveldbJournal.class.getName()));
        } else {
            leveldb = leveldb.withValue("class", ConfigValueFactory.fromAnyRef(GuardedLeveldbJournal.class.getName()));
        }
        return leveldb.atPath(id);
    }

    /** Collects what the journal answers. */
    static final class Collector extends org.apache.pekko.actor.AbstractActor {
        private final LinkedBlockingQueue<Object> seen;

        Collector(LinkedBlockingQueue<Object> seen) {
            this.seen = seen;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().matchAny(seen::add).build();
        }
    }
}
