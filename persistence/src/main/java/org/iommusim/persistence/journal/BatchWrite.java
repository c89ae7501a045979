package org.iommusim.persistence.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.leveldb.Key;
import org.apache.pekko.persistence.journal.leveldb.Key$;
import org.apache.pekko.persistence.journal.leveldb.LeveldbStore;
import org.iq80.leveldb.WriteBatch;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Failure;
import scala.util.Success;
import scala.util.Try;

/**
 * One journal write as Pekko's {@code LeveldbStore.asyncWriteMessages} makes it (the same record keys and bytes,
 * one LevelDB {@code WriteBatch}, one result per atomic write), except that an entity's sequence-number counter is
 * put once per batch, after its last event, where Pekko puts it again with every event: the batch is atomic, so
 * the counter stored is the same, and a write of n events costs n + 1 LevelDB puts instead of 2n (the memtable
 * insertions are most of an unsynced write's time). Also stricter than Pekko's: an atomic write whose events do
 * not all serialise adds none of them (Pekko's may leave its first events in the batch), and is rejected.
 * Tagged events and live subscribers take Pekko's own path ({@link GuardedLeveldbJournal}).
 */
final class BatchWrite {
    private BatchWrite() {}

    private static final String TAG_PREFIX = "$$$"; // LeveldbStore's prefix of tags' internal persistence ids

    /**
     * @param wallClockStamps stamp each record with the wall clock as Pekko's store does; false where the
     *                        record serializer stamps it (a deterministic system's, with virtual time)
     */
    static Future<Seq<Try<BoxedUnit>>> write(LeveldbStore store, Seq<AtomicWrite> messages,
            boolean wallClockStamps) {
        List<Try<BoxedUnit>> results = new ArrayList<>(messages.size());
        Map<Integer, Long> counters = new LinkedHashMap<>();
        WriteBatch batch = store.leveldb().createWriteBatch();
        try {
            for (AtomicWrite a : CollectionConverters.asJava(messages)) {
                try {
                    List<byte[]> keys = new ArrayList<>();
                    List<byte[]> values = new ArrayList<>();
                    int nid = -1;
                    long last = -1;
                    for (PersistentRepr p : CollectionConverters.asJava(a.payload())) {
                        if (p.payload() instanceof Tagged) {
                            throw new IllegalArgumentException("tagged events are written by Pekko's own path");
                        }
                        if (p.persistenceId().startsWith(TAG_PREFIX)) {
                            throw new IllegalArgumentException("persistenceId [" + p.persistenceId()
                                    + "] must not start with " + TAG_PREFIX);
                        }
                        // stamped as Pekko's store stamps it, unless the serializer puts virtual time there
                        byte[] bytes = store.persistentToBytes(wallClockStamps
                                ? p.withTimestamp(System.currentTimeMillis()) : p);
                        if (nid < 0) { // an atomic write is one entity's: its id is looked up once
                            nid = store.numericId(p.persistenceId());
                        }
                        keys.add(Key$.MODULE$.keyToBytes(new Key(nid, p.sequenceNr(), 0)));
                        values.add(bytes);
                        last = p.sequenceNr();
                    }
                    for (int i = 0; i < keys.size(); i++) {
                        batch.put(keys.get(i), values.get(i));
                    }
                    if (nid >= 0) {
                        counters.merge(nid, last, Math::max);
                    }
                    results.add(new Success<>(BoxedUnit.UNIT));
                } catch (Exception e) { // as Pekko's Try: a serializer throws checked exceptions through Scala
                    results.add(new Failure<>(e));
                }
            }
            for (Map.Entry<Integer, Long> c : counters.entrySet()) {
                batch.put(Key$.MODULE$.keyToBytes(Key$.MODULE$.counterKey(c.getKey())),
                        Key$.MODULE$.counterToBytes(c.getValue()));
            }
            store.leveldb().write(batch, store.leveldbWriteOptions());
        } finally {
            try {
                batch.close();
            } catch (java.io.IOException e) {
                // closing frees the batch's native memory; the write's outcome is already decided
            }
        }
        return Future.successful(CollectionConverters.asScala(results).toList());
    }
}
