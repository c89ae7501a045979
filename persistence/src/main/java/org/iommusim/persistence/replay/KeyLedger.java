package org.iommusim.persistence.replay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over every key of a Pekko LevelDB journal, in key order, keeping
 * per entity what the checks need and nothing per event: the id mappings
 * (they sort first), then for each numeric id its counter record
 * ({@code (nid, 0)}) and its events. What it finds wrong is a {@link Problem};
 * whether a missing prefix is covered by a snapshot is decided later, by
 * {@link JournalCheck}, which knows the snapshots.
 */
final class KeyLedger {

    /** What the journal holds for one numeric id. {@code rawFirst}/{@code rawLast} count deleted events too. */
    static final class Entity {
        final int nid;
        long counter = -1;
        long events;
        long firstPresent;
        long lastPresent;
        long rawFirst;
        long rawLast;
        /** Events without a causal stamp (written before stamps, or not by the model). */
        long unstamped;
        private long previousPresent;

        Entity(int nid) {
            this.nid = nid;
        }
    }

    /**
     * Something the keys show wrong. {@code key} is where it shows (for
     * naming a file), {@code from..to} the sequence numbers affected.
     */
    record Problem(int nid, String what, long from, long to, byte[] key, boolean lost) {
        Problem(int nid, String what, long from, long to, byte[] key) {
            this(nid, what, from, to, key, false);
        }
    }

    private final Map<Integer, String> mappings = new HashMap<>();
    private final Map<Integer, Entity> entities = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final StoredMessage message = new StoredMessage();
    private Entity current;
    private long keys;
    /** The highest global sequence number of a stamped event (0: none). */
    private long highestGsn;

    /** Takes the next key (in key order) and its value. */
    void accept(byte[] key, byte[] value) {
        keys++;
        if (key.length < 16) {
            problems.add(new Problem(0, "a key of " + key.length + " bytes, not Pekko's", 0, 0, key));
            return;
        }
        JournalKey k = JournalKey.decode(key);
        if (k.isMapping()) {
            if (k.mappingId() != 0) {
                mappings.put(k.mappingId(), new String(value, StandardCharsets.UTF_8));
            }
            return;
        }
        if (current == null || current.nid != k.persistenceNid()) {
            current = entities.computeIfAbsent(k.persistenceNid(), Entity::new);
        }
        Entity e = current;
        if (k.isCounter()) {
            if (value.length != 8) {
                problems.add(new Problem(e.nid, "its counter record holds " + value.length + " bytes, not 8", 0, 0, key));
            } else {
                e.counter = ByteBuffer.wrap(value).getLong();
            }
        } else if (k.isEvent()) {
            event(e, k.sequenceNr(), key, value);
        } else if (k.isDeletionMark() && k.sequenceNr() == e.lastPresent && e.events > 0) {
            e.events--; // hidden, as Pekko's replay hides it; its number is not missing
            e.lastPresent = e.previousPresent;
            if (e.events == 0) {
                e.firstPresent = 0;
            }
        }
    }

    private void event(Entity e, long seq, byte[] key, byte[] value) {
        if (e.rawLast > 0 && seq != e.rawLast + 1) {
            problems.add(new Problem(e.nid, "event #" + (e.rawLast + 1) + " is missing (the next is #" + seq + ")",
                    e.rawLast + 1, seq - 1, JournalKey.event(e.nid, e.rawLast + 1).encode(), true));
        }
        if (e.rawFirst == 0) {
            e.rawFirst = seq;
        }
        e.rawLast = seq;
        e.previousPresent = e.lastPresent;
        e.lastPresent = seq;
        if (e.events++ == 0) {
            e.firstPresent = seq;
        }
        String pid = mappings.getOrDefault(e.nid, "numeric id " + e.nid);
        try {
            long recorded = message.scan(value, pid, seq).sequenceNr();
            long gsn = message.stampGsn();
            if (gsn > 0) {
                highestGsn = Math.max(highestGsn, gsn);
            } else {
                e.unstamped++;
            }
            if (recorded != seq) {
                problems.add(new Problem(e.nid, "the record stored as #" + seq + " says it is #" + recorded,
                        seq, seq, key));
            }
        } catch (JournalReadException ex) {
            problems.add(new Problem(e.nid, "event #" + seq + " is not a Pekko record: " + ex.getMessage(), seq, seq,
                    key));
        }
    }

    /** The per-entity rules, once every key is in: counters against events, events against mappings. */
    void finish() {
        for (Entity e : entities.values()) {
            String pid = mappings.get(e.nid);
            if (pid == null && (e.rawLast > 0 || e.counter > 0)) {
                problems.add(new Problem(e.nid, "events of numeric id " + e.nid + " have no persistence id"
                        + " (its id mapping is missing)", e.rawFirst, Math.max(e.rawLast, e.counter),
                        JournalKey.mapping(e.nid).encode()));
                continue;
            }
            if (e.rawLast > 0 && e.counter < 0) {
                problems.add(new Problem(e.nid, "its counter record is missing (events go to #" + e.rawLast + ")",
                        e.rawLast, e.rawLast, JournalKey.counter(e.nid).encode()));
            } else if (e.rawLast > 0 && e.counter < e.rawLast) {
                problems.add(new Problem(e.nid, "its counter record says #" + e.counter + " but events go to #"
                        + e.rawLast, e.counter + 1, e.rawLast, JournalKey.counter(e.nid).encode()));
            } else if (e.counter > e.rawLast && e.rawLast > 0) {
                problems.add(new Problem(e.nid, "its counter record says #" + e.counter + " but the events end at #"
                        + e.rawLast, e.rawLast + 1, e.counter, JournalKey.event(e.nid, e.rawLast + 1).encode()));
            }
        }
    }

    long highestGsn() {
        return highestGsn;
    }

    Map<Integer, String> mappings() {
        return mappings;
    }

    /** Every numeric id with a key besides its mapping. */
    Map<Integer, Entity> entities() {
        return entities;
    }

    List<Problem> problems() {
        return problems;
    }

    long keys() {
        return keys;
    }

    /** A key in words: {@code domain-1 #57}, {@code smmu-0's counter}, {@code the id mappings}. */
    String describe(byte[] key) {
        if (key == null) {
            return "the start";
        }
        if (key.length < 16) {
            return "a " + key.length + "-byte key";
        }
        JournalKey k = JournalKey.decode(key);
        if (k.isMapping()) {
            return "the id mappings";
        }
        String pid = name(k.persistenceNid());
        return k.isCounter() ? pid + "'s counter" : pid + " #" + k.sequenceNr();
    }

    String name(int nid) {
        String pid = mappings.get(nid);
        return pid != null ? pid : "numeric id " + nid;
    }
}
