package org.iommusim.persistence.replay;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.journal.JournalSpace;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBFactory;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.impl.Iq80DBFactory;

/**
 * Decides whether a journal can be trusted, before anything is read from it
 * (replay) or recovered from it (the model's start), and says in one line
 * what is wrong when it cannot ({@link JournalDamagedException}):
 *
 * <ol>
 *   <li>the files: {@code CURRENT} names a MANIFEST that reads in full, every
 *       table the MANIFEST lists is there at its full size;</li>
 *   <li>the write-ahead logs, read record by record ({@link LevelDbLog}): a
 *       checksum that does not match, or records after zeros, is damage; a
 *       last record cut short by the end of the file is a crash's tail, and
 *       the log is read up to it (LevelDB, which would also skip damage
 *       silently, is opened on a copy with that tail cut off, and with
 *       paranoid checks);</li>
 *   <li>every key, with LevelDB's checksums verified ({@link KeyLedger}): a
 *       table block that does not read, a gap in an entity's sequence
 *       numbers, a counter record that disagrees with the events, events
 *       without an id mapping, a record that is not Pekko's;</li>
 *   <li>every snapshot: it decodes (with its checksum, for snapshots that
 *       carry one), it is not beyond its entity's last event, and the
 *       events after the snapshot recovery would use are all there.</li>
 * </ol>
 *
 * <p>Nothing is ever written to the journal's own directory: LevelDB is
 * opened on a {@link PrivateCopy}.
 */
public final class JournalCheck {

    /** What to do with a snapshot that does not read. */
    public enum Snapshots {
        /** It is damage: replay shows states, and a snapshot is part of the record. */
        STRICT,
        /** As recovery does: fall back to an older snapshot or to the events, when those are all there. */
        FALL_BACK
    }

    /**
     * What a journal found trustworthy holds.
     *
     * @param entities every persistence id (tags left out) with its events, in {@link PersistenceIdOrder}
     * @param notes    what a reader should know: a log read up to a crash's cut, a snapshot recovery skips
     * @param events   events in all
     * @param unstamped events without a causal stamp (a journal written before stamps; 0 in a newer one)
     * @param highestGsn the highest global sequence number of a stamped event, 0 if none: where a restarted
     *                 model's counter continues
     */
    public record Findings(Map<String, EntitySummary> entities, List<String> notes, long events, long unstamped,
                           long highestGsn) {
        /** No event at all: a journal nothing was recorded in. */
        public boolean empty() {
            return events == 0;
        }

        /** Every event carries its causal stamp: entities can be ordered and aligned by it. */
        public boolean causal() {
            return unstamped == 0;
        }

        static Findings none() {
            return new Findings(Map.of(), List.of(), 0, 0, 0);
        }
    }

    /** A checked LevelDB, open on the private copy, with the numeric ids of its entities. */
    record Opened(DB db, Findings findings, Map<String, Integer> nids) {}

    private final Path journalDir;
    private final Path snapshotDir;
    private final Path copyDir;
    private final Snapshots policy;
    private final List<String> notes = new ArrayList<>();
    /** Each log's keys (a batch's keys, batch by batch), to say which file holds a key. */
    private final Map<Path, List<byte[]>> logKeys = new LinkedHashMap<>();
    private LevelDbManifest manifest;

    private JournalCheck(Path journalDir, Path snapshotDir, Path copyDir, Snapshots policy) {
        this.journalDir = journalDir;
        this.snapshotDir = snapshotDir;
        this.copyDir = copyDir;
        this.policy = policy;
    }

    /**
     * Checks the journal under {@code journalDir} (snapshots under
     * {@code snapshotDir}) as recovery would read it, without writing to
     * either: a directory without LevelDB data files is a new journal and
     * passes. Throws {@link JournalDamagedException} naming the file, the
     * entity and the range; {@link JournalReadException} when the check
     * itself cannot run (no room for the copy).
     */
    public static Findings verify(Path journalDir, Path snapshotDir, long minFreeBytes) {
        if (!LevelDbFiles.holdsData(journalDir)) {
            return Findings.none();
        }
        // beside the journal: its tables are hard-linked, not copied, however large (the directory is the model's)
        Path parent = journalDir.toAbsolutePath().getParent();
        PrivateCopy copy = parent != null && Files.isWritable(parent)
                ? PrivateCopy.beside(journalDir, parent, ".journal-check-") : PrivateCopy.of(journalDir);
        try {
            requireRoom(copy.dir(), minFreeBytes, journalDir);
            Opened o = open(journalDir, snapshotDir, copy.dir(), Snapshots.FALL_BACK);
            close(o.db());
            return o.findings();
        } finally {
            copy.close();
        }
    }

    /** Opening LevelDB writes through {@code mmap} (the log becomes a table): on a full disk, a SIGBUS. */
    static void requireRoom(Path dir, long minFreeBytes, Path journalDir) {
        Optional<String> shortfall;
        try {
            shortfall = JournalSpace.of(dir, minFreeBytes).shortfall();
        } catch (IOException e) {
            shortfall = Optional.of("cannot find the file system of " + dir + ": " + e.getMessage());
        }
        if (shortfall.isPresent()) {
            throw new JournalReadException("cannot open journal " + journalDir + ": " + shortfall.get());
        }
    }

    /** Checks the journal whose private copy is {@code copyDir} and leaves LevelDB open on the copy. */
    static Opened open(Path journalDir, Path snapshotDir, Path copyDir, Snapshots policy) {
        return new JournalCheck(journalDir, snapshotDir, copyDir, policy).run();
    }

    private Opened run() {
        manifest = readManifest();
        JournalDamage missingTable = checkTables();
        LogDamage logDamage = checkLogs();
        boolean trusted = missingTable == null && logDamage == null;
        DB db = openDb(trusted);
        try {
            KeyLedger ledger = new KeyLedger();
            JournalDamage unreadable = scan(db, ledger);
            if (missingTable != null) {
                throw damaged(describeTable(missingTable, ledger));
            }
            if (logDamage != null) {
                throw damaged(logDamage.describe(ledger));
            }
            if (unreadable != null) {
                throw damaged(unreadable);
            }
            ledger.finish();
            Map<String, List<SnapshotInfo>> snapshots = snapshotsByEntity();
            checkEntities(ledger, snapshots);
            return new Opened(db, findings(ledger), nids(ledger));
        } catch (RuntimeException e) {
            close(db);
            throw e;
        }
    }

    // ---- 1. files -----------------------------------------------------------------------------------------------

    private LevelDbManifest readManifest() {
        Path current = journalDir.resolve("CURRENT");
        if (!Files.isRegularFile(current)) {
            throw damaged(new JournalDamage(current, "missing (LevelDB files are there: "
                    + String.join(", ", LevelDbFiles.dataFiles(journalDir)) + ")", "every entity"));
        }
        String name = new String(read(current), StandardCharsets.UTF_8).strip();
        if (!name.matches("MANIFEST-\\d+")) {
            throw damaged(new JournalDamage(current, "does not name a MANIFEST (it holds '" + printable(name) + "')",
                    "every entity"));
        }
        Path file = journalDir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw damaged(new JournalDamage(file, "missing (CURRENT names it)", "every entity"));
        }
        byte[] bytes = read(copyDir.resolve(name));
        if (bytes.length == 0) {
            throw damaged(new JournalDamage(file, "empty (0 bytes): the table index is gone", "every entity"));
        }
        LevelDbLog log = LevelDbLog.read(bytes);
        if (log.damage() != null) {
            throw damaged(new JournalDamage(file, log.damage().reason(), "every entity"));
        }
        if (log.tail() != null && !log.endsInZerosOnly()) {
            // LevelDB itself refuses a descriptor whose last edit is cut short; zeros after it are its mmap writer's
            throw damaged(new JournalDamage(file, "cut short: " + log.tail(), "every entity"));
        }
        try {
            return LevelDbManifest.of(log.records());
        } catch (IllegalArgumentException e) {
            throw damaged(new JournalDamage(file, "not a LevelDB descriptor: " + e.getMessage(), "every entity"));
        }
    }

    /** A table the MANIFEST lists that is missing or shorter than listed; its range is described once the keys are known. */
    private JournalDamage checkTables() {
        for (LevelDbManifest.Table t : manifest.liveTables()) {
            Path file = LevelDbFiles.table(journalDir, t.number());
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException e) {
                return new JournalDamage(file, "missing (the MANIFEST lists it, " + t.size() + " bytes)",
                        tableRange(t));
            } catch (IOException e) {
                return new JournalDamage(file, "cannot be read: " + e.getMessage(), tableRange(t));
            }
            if (size < t.size()) {
                return new JournalDamage(file, "truncated: " + size + " of " + t.size() + " bytes", tableRange(t));
            }
        }
        return null;
    }

    /** A placeholder naming the table's keys; {@link #describeTable} puts the entities' names in. */
    private static String tableRange(LevelDbManifest.Table t) {
        return "table " + t.number();
    }

    private JournalDamage describeTable(JournalDamage d, KeyLedger ledger) {
        long number = Long.parseLong(d.affected().substring("table ".length()));
        LevelDbManifest.Table t = manifest.tables().get(number);
        return new JournalDamage(d.file(), d.problem(), "every key it holds: " + range(ledger, t.smallest(), t.largest()));
    }

    // ---- 2. logs ------------------------------------------------------------------------------------------------

    /** A log with damage: its file, what its reading found, the keys of its records. */
    private record LogDamage(Path file, LevelDbLog log) {
        JournalDamage describe(KeyLedger ledger) {
            String problem = log.damage().reason() + (log.damage().resumesAt() >= 0
                    ? " (LevelDB would go on from byte " + log.damage().resumesAt() + ", skipping what is between)"
                    : " (nothing after it reads)");
            List<KeyLedger.Problem> gaps = ledger.problems().stream().filter(KeyLedger.Problem::lost).toList();
            if (!gaps.isEmpty()) {
                List<String> shown = gaps.stream().limit(3)
                        .map(g -> ledger.name(g.nid()) + " #" + g.from() + (g.to() > g.from() ? "..#" + g.to() : ""))
                        .toList();
                return new JournalDamage(file, problem, String.join(", ", shown) + " lost"
                        + (gaps.size() > 3 ? " (and " + (gaps.size() - 3) + (gaps.size() == 4 ? " more gap)" : " more gaps)") : ""));
            }
            byte[] before = lastEventKey(log.records());
            return new JournalDamage(file, problem, "the writes after " + ledger.describe(before) + " in this log");
        }

        private static byte[] lastEventKey(List<LevelDbLog.Record> records) {
            for (int i = records.size() - 1; i >= 0; i--) {
                List<byte[]> keys = WriteBatchKeys.of(records.get(i).data());
                for (int k = keys.size() - 1; k >= 0; k--) {
                    byte[] key = keys.get(k);
                    if (key.length >= 16 && JournalKey.isEventKey(key)) {
                        return key;
                    }
                }
            }
            return null;
        }
    }

    private LogDamage checkLogs() {
        LogDamage first = null;
        for (String name : LevelDbFiles.dataFiles(journalDir)) {
            Optional<Long> number = LevelDbFiles.logNumber(name);
            if (number.isEmpty() || !manifest.isLiveLog(number.get())) {
                continue;
            }
            Path file = journalDir.resolve(name);
            Path copy = copyDir.resolve(name);
            LevelDbLog log = LevelDbLog.read(read(copy));
            List<byte[]> keys = new ArrayList<>();
            for (LevelDbLog.Record r : log.records()) {
                keys.addAll(WriteBatchKeys.of(r.data()));
            }
            logKeys.put(file, keys);
            if (log.damage() != null) {
                if (first == null) {
                    first = new LogDamage(file, log);
                }
            } else if (log.endsInZerosOnly()) {
                cutCopy(copy, log.end());
                notes.add(file + " was not closed (" + log.tail() + ": a crash, or a model still running);"
                        + " nothing in it is lost");
            } else if (log.tail() != null) {
                cutCopy(copy, log.end());
                notes.add(file + " ends in a crash's cut (" + log.tail() + "): read up to byte " + log.end()
                        + ", its last complete write; each entity ends at its last event there");
            }
        }
        return first;
    }

    /** The copy's log without its cut tail: LevelDB's paranoid checks refuse a partial record even at the end. */
    private static void cutCopy(Path copy, long end) {
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            f.setLength(end);
        } catch (IOException e) {
            throw new JournalReadException("cannot prepare the private copy " + copy + ": " + e.getMessage(), e);
        }
    }

    // ---- 3. keys ------------------------------------------------------------------------------------------------

    private DB openDb(boolean paranoid) {
        try {
            return factory().open(copyDir.toFile(), new Options().createIfMissing(false).paranoidChecks(paranoid));
        } catch (LinkageError e) {
            throw new JournalReadException("cannot load LevelDB to read " + journalDir + ": " + oneLine(e), e);
        } catch (IOException | RuntimeException e) {
            throw damaged(new JournalDamage(journalDir, "LevelDB cannot open it: " + oneLine(e), "every entity"), e);
        }
    }

    private static DBFactory factory() {
        return JournalSettings.nativeAvailable() ? JniDBFactory.factory : Iq80DBFactory.factory;
    }

    /** Feeds every key to {@code ledger}; the damage where a read fails, or null. */
    private JournalDamage scan(DB db, KeyLedger ledger) {
        byte[] lastGood = null;
        try (DBIterator it = db.iterator(new ReadOptions().verifyChecksums(true).fillCache(false))) {
            it.seekToFirst();
            while (it.hasNext()) {
                Map.Entry<byte[], byte[]> e = it.peekNext();
                ledger.accept(e.getKey(), e.getValue());
                lastGood = e.getKey();
                it.next();
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            if (e instanceof JournalReadException j) {
                throw j;
            }
            byte[] resumes = UnreadableRange.firstReadableAfter(db, lastGood);
            List<Path> tables = new ArrayList<>();
            for (LevelDbManifest.Table t : manifest.liveTables()) {
                boolean afterStart = lastGood == null || Arrays.compareUnsigned(t.largest(), lastGood) > 0;
                boolean beforeEnd = resumes == null || Arrays.compareUnsigned(t.smallest(), resumes) < 0;
                if (afterStart && beforeEnd) {
                    tables.add(LevelDbFiles.table(journalDir, t.number()));
                }
            }
            Path file = tables.size() == 1 ? tables.get(0) : journalDir;
            String where = tables.size() > 1 ? " (in one of " + String.join(", ",
                    tables.stream().map(t -> t.getFileName().toString()).toList()) + ")" : "";
            return new JournalDamage(file, oneLine(e) + where, between(ledger, lastGood, resumes) + " unreadable");
        }
        return null;
    }

    /** The keys strictly between {@code after} and {@code before} (null: the start, the end), in words. */
    private static String between(KeyLedger ledger, byte[] after, byte[] before) {
        boolean entityKeys = (after == null || JournalKey.nid(after) != JournalKey.MAPPING_NID)
                && (before == null || JournalKey.nid(before) != JournalKey.MAPPING_NID);
        if (!entityKeys) {
            return "everything after " + ledger.describe(after) + (before == null ? " to the end"
                    : " and before " + ledger.describe(before));
        }
        int fromNid = after == null ? 0 : JournalKey.nid(after);
        int toNid = before == null ? Integer.MAX_VALUE : JournalKey.nid(before);
        if (fromNid == toNid) {
            long from = JournalKey.sequenceNr(after) + 1;
            return ledger.name(fromNid) + " #" + from + "..#" + Math.max(from, JournalKey.sequenceNr(before) - 1);
        }
        List<String> parts = new ArrayList<>();
        if (after != null) {
            parts.add(ledger.name(fromNid) + " from #" + (JournalKey.sequenceNr(after) + 1));
        }
        ledger.mappings().keySet().stream().sorted()
                .filter(nid -> Integer.compareUnsigned(nid, fromNid) > 0 && Integer.compareUnsigned(nid, toNid) < 0)
                .forEach(nid -> parts.add("all of " + ledger.name(nid)));
        if (before != null && JournalKey.sequenceNr(before) > 1) {
            parts.add(ledger.name(toNid) + " #1..#" + (JournalKey.sequenceNr(before) - 1));
        }
        return parts.isEmpty() ? "the counter record of " + ledger.name(toNid) : String.join(", ", parts);
    }

    private static String range(KeyLedger ledger, byte[] smallest, byte[] largest) {
        if (smallest.length >= 16 && largest.length >= 16 && JournalKey.nid(smallest) == JournalKey.nid(largest)
                && JournalKey.nid(smallest) != JournalKey.MAPPING_NID) {
            return ledger.name(JournalKey.nid(smallest)) + " #" + JournalKey.sequenceNr(smallest) + "..#"
                    + JournalKey.sequenceNr(largest);
        }
        return ledger.describe(smallest) + " to " + ledger.describe(largest);
    }

    // ---- 4. entities and snapshots ------------------------------------------------------------------------------

    private Map<String, List<SnapshotInfo>> snapshotsByEntity() {
        Map<String, List<SnapshotInfo>> out = new TreeMap<>(PersistenceIdOrder.INSTANCE);
        for (SnapshotInfo s : SnapshotFiles.list(snapshotDir)) {
            out.computeIfAbsent(s.persistenceId(), k -> new ArrayList<>()).add(s);
        }
        return out;
    }

    private void checkEntities(KeyLedger ledger, Map<String, List<SnapshotInfo>> snapshots) {
        List<KeyLedger.Problem> problems = ledger.problems();
        if (!problems.isEmpty()) {
            KeyLedger.Problem p = problems.get(0);
            String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + (problems.size() == 2 ? " more problem)" : " more problems)") : "";
            String affected = p.from() > 0 ? ledger.name(p.nid()) + " #" + p.from()
                    + (p.to() > p.from() ? "..#" + p.to() : "") : ledger.name(p.nid());
            throw damaged(new JournalDamage(fileOf(p.key()), ledger.name(p.nid()) + ": " + p.what() + more,
                    affected));
        }
        Map<String, Integer> nids = nids(ledger);
        PayloadDecoder decoder = new PayloadDecoder();
        for (Map.Entry<String, List<SnapshotInfo>> e : snapshots.entrySet()) {
            String pid = e.getKey();
            Integer nid = nids.get(pid);
            KeyLedger.Entity entity = nid == null ? null : ledger.entities().get(nid);
            long highest = entity == null ? 0 : Math.max(entity.counter, entity.rawLast);
            long good = 0;
            for (SnapshotInfo s : e.getValue()) {
                if (s.sequenceNr() > highest) {
                    throw damaged(new JournalDamage(s.file(), "a snapshot of " + pid + " at #" + s.sequenceNr()
                            + ", beyond its last event #" + highest, pid + " #" + (highest + 1) + "..#"
                            + s.sequenceNr() + " lost"));
                }
                String bad = unreadable(decoder, s);
                if (bad == null) {
                    good = Math.max(good, s.sequenceNr());
                } else if (policy == Snapshots.STRICT) {
                    throw damaged(new JournalDamage(s.file(), "unreadable snapshot: " + bad, pid + " snapshot #"
                            + s.sequenceNr()));
                } else {
                    notes.add("snapshot " + s.file().getFileName() + " of " + pid + " is unreadable (" + bad
                            + "): recovery falls back to an older snapshot or the events");
                }
            }
            requireEventsAfter(ledger, pid, entity, good);
        }
        for (Map.Entry<String, Integer> e : nids.entrySet()) {
            if (!snapshots.containsKey(e.getKey())) {
                requireEventsAfter(ledger, e.getKey(), ledger.entities().get(e.getValue()), 0);
            }
        }
    }

    /** Recovery starts from snapshot #{@code base} (0: none): every event after it must be there. */
    private void requireEventsAfter(KeyLedger ledger, String pid, KeyLedger.Entity e, long base) {
        if (e == null) {
            return;
        }
        long highest = Math.max(e.counter, e.rawLast);
        if (highest <= base) {
            return;
        }
        long first = e.rawFirst == 0 ? highest + 1 : e.rawFirst;
        if (first > base + 1) {
            throw damaged(new JournalDamage(fileOf(JournalKey.event(e.nid, base + 1).encode()), pid + ": events #"
                    + (base + 1) + ".." + "#" + (first - 1) + " are missing and no snapshot covers them",
                    pid + " #" + (base + 1) + "..#" + (first - 1)));
        }
    }

    private static String unreadable(PayloadDecoder decoder, SnapshotInfo s) {
        try {
            Object payload = decoder.snapshot(Files.readAllBytes(s.file()), s.persistenceId() + " #" + s.sequenceNr());
            return payload instanceof Undecoded u ? u.reason() : null;
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        } catch (JournalReadException e) {
            return e.getMessage();
        }
    }

    private Findings findings(KeyLedger ledger) {
        Map<String, EntitySummary> entities = new TreeMap<>(PersistenceIdOrder.INSTANCE);
        long events = 0;
        long unstamped = 0;
        for (Map.Entry<String, Integer> e : nids(ledger).entrySet()) {
            KeyLedger.Entity x = ledger.entities().get(e.getValue());
            unstamped += x == null ? 0 : x.unstamped;
            EntitySummary s = x == null ? new EntitySummary(e.getKey(), 0, 0, 0, 0)
                    : new EntitySummary(e.getKey(), x.events, x.firstPresent, x.lastPresent,
                            Math.max(x.lastPresent, Math.max(x.counter, 0)));
            entities.put(e.getKey(), s);
            events += s.events();
        }
        return new Findings(Collections.unmodifiableMap(entities), List.copyOf(notes), events, unstamped,
                ledger.highestGsn());
    }

    /** Persistence id to numeric id, tags left out. */
    private static Map<String, Integer> nids(KeyLedger ledger) {
        Map<String, Integer> out = new TreeMap<>(PersistenceIdOrder.INSTANCE);
        ledger.mappings().forEach((nid, pid) -> {
            if (!pid.startsWith(JournalKey.TAG_PREFIX)) {
                out.put(pid, nid);
            }
        });
        return out;
    }

    // ---- naming -------------------------------------------------------------------------------------------------

    /**
     * The file a key lives in, or would: a live log whose writes hold a key of
     * the same entity, else a table whose range covers it, else the directory.
     */
    private Path fileOf(byte[] key) {
        if (key != null && key.length >= 16) {
            int nid = JournalKey.nid(key);
            for (Map.Entry<Path, List<byte[]>> log : logKeys.entrySet()) {
                for (byte[] k : log.getValue()) {
                    if (Arrays.equals(k, key)) {
                        return log.getKey();
                    }
                }
            }
            for (LevelDbManifest.Table t : manifest.liveTables()) {
                if (t.covers(key)) {
                    return LevelDbFiles.table(journalDir, t.number());
                }
            }
            for (Map.Entry<Path, List<byte[]>> log : logKeys.entrySet()) {
                for (byte[] k : log.getValue()) {
                    if (k.length >= 16 && JournalKey.nid(k) == nid) {
                        return log.getKey();
                    }
                }
            }
        }
        return journalDir;
    }

    private static JournalDamagedException damaged(JournalDamage d) {
        return new JournalDamagedException(d);
    }

    private static JournalDamagedException damaged(JournalDamage d, Throwable cause) {
        return new JournalDamagedException(d, cause);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new JournalReadException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** An exception's message on one line, without the wrapping of leveldbjni's iterator. */
    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null
                || t.getMessage().startsWith(t.getCause().getClass().getName()))) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replace('\n', ' ').strip();
    }

    private static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static void close(DB db) {
        try {
            db.close();
        } catch (IOException | RuntimeException e) {
            // a read-only private copy: closing loses nothing
        }
    }
}
