package org.iommusim.simulations.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.PekkoRecordWriter;
import org.iommusim.persistence.replay.StateFolder;
import org.iommusim.persistence.replay.StateFolders;
import org.iommusim.persistence.replay.StateReplay;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapSegment;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;

/**
 * How fast {@code state} rebuilds entities from a journal of a million
 * events, against raw iteration of the same LevelDB directory in the same run.
 *
 * <p>The journal is written directly in Pekko's LevelDB layout by
 * {@link PekkoRecordWriter} (byte-identical to actor-written records, see
 * {@code PekkoRecordWriterTest}) through the real serializer: two domains
 * whose drivers keep 256 DMA buffers of 1-8 pages mapped, unmapping the
 * oldest as they map a new one, and an SMMU taking TLBI+CMD_SYNC batches
 * (submitted, then consumed).
 *
 * <p>Figures per round: (a) raw: every key and value of the directory,
 * lengths summed; (b) {@code StateReplay.at} of each entity to its last
 * event, as {@code state} runs it; (c) the same replay with a folder that
 * applies nothing, to separate reading+decoding from the state machine.
 *
 * <p>Run, on the collector the launcher selects: {@code java -XX:+UseParallelGC -cp
 * simulations/target/iommu-sim.jar org.iommusim.simulations.bench.ReplayBench [events] [rounds]}
 */
public final class ReplayBench {
    private static final String[] DOMAINS = {"domain-1", "domain-2"};
    private static final String SMMU = "smmu-0";
    private static final int OUTSTANDING = 256;

    private ReplayBench() {}

    /** Raw iteration of a journal of {@code events} events, and the {@code state} rebuild of its largest entity. */
    public record Figures(Rounds raw, Rounds state) {
        public double ratio() {
            return state.mean() / raw.mean();
        }
    }

    public static Figures measure(int events, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("replay-bench-");
        try {
            write(dir, events);
            Rounds raw = Rounds.measure(2, rounds, () -> rawIteration(dir.resolve("journal")));
            try (JournalReader reader = JournalReader.open(dir)) {
                Rounds state = Rounds.measure(2, rounds, () -> replay(reader, DOMAINS[0], folder(DOMAINS[0])));
                return new Figures(raw, state);
            }
        } finally {
            delete(dir);
        }
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("replay-bench-");
        try {
            long t0 = System.nanoTime();
            Map<String, Long> counts = write(dir, events);
            System.out.printf("journal: %,d events %s, written in %.1f s, %,d bytes on disk%n", events, counts,
                    (System.nanoTime() - t0) / 1e9, size(dir.resolve("journal")));
            Rounds raw = Rounds.measure(2, rounds, () -> rawIteration(dir.resolve("journal")));
            System.out.printf("%-32s %s%n", "(a) raw LevelDB iteration", raw.summary());
            try (JournalReader reader = JournalReader.open(dir)) {
                for (String pid : List.of(DOMAINS[0], DOMAINS[1], SMMU)) {
                    Rounds state = Rounds.measure(2, rounds, () -> replay(reader, pid, folder(pid)));
                    Rounds decode = Rounds.measure(1, rounds, () -> replay(reader, pid, new Counting()));
                    System.out.printf("%-32s %s  ratio %.2f%n", "(b) state " + pid + " events/s", state.summary(),
                            state.mean() / raw.mean());
                    System.out.printf("%-32s %s  ratio %.2f%n", "(c) read+decode only " + pid, decode.summary(),
                            decode.mean() / raw.mean());
                }
            }
        } finally {
            delete(dir);
        }
    }

    @SuppressWarnings("unchecked")
    private static StateFolder<Object> folder(String pid) {
        return (StateFolder<Object>) StateFolders.forEntity(pid).orElseThrow();
    }

    private static long replay(JournalReader reader, String pid, StateFolder<Object> folder) {
        long last = reader.highestSequenceNr(pid);
        StateReplay.at(reader, pid, last, folder);
        return last;
    }

    /** Raw iteration: every record, key and value bytes touched by their lengths. */
    private static long rawIteration(Path journal) throws IOException {
        long records = 0;
        long bytes = 0;
        try (DB db = JniDBFactory.factory.open(journal.toFile(), new Options().createIfMissing(false));
             DBIterator it = db.iterator(new ReadOptions().fillCache(false))) {
            for (it.seekToFirst(); it.hasNext(); ) {
                Map.Entry<byte[], byte[]> e = it.next();
                bytes += e.getKey().length + e.getValue().length;
                records++;
            }
        }
        if (bytes == 0) {
            throw new IllegalStateException("empty journal");
        }
        return records;
    }

    private static Map<String, Long> write(Path dir, int events) throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        List<Driver> drivers = new ArrayList<>();
        try (PekkoRecordWriter w = PekkoRecordWriter.create(dir, "bench-writer")) {
            long ts = 1_700_000_000_000L;
            for (int d = 0; d < DOMAINS.length; d++) {
                w.append(DOMAINS[d], new DomainEvent.Allocated(DomainSpec.stage1(Granule.G4K, 48, 48, d + 1)), ts);
                drivers.add(new Driver(DOMAINS[d], 0x1_0000_0000L * (d + 1)));
            }
            w.append(SMMU, new SmmuChange.Configured(SmmuCapabilities.defaults()), ts);
            int smmuPending = 0;
            for (int i = DOMAINS.length + 1; i < events; i++) {
                int pick = rnd.nextInt(100);
                if (pick < 85) {
                    Driver d = drivers.get(pick < 55 ? 0 : 1);
                    w.append(d.pid, d.next(rnd), ts + i);
                } else if (smmuPending == 0) {
                    List<RawCommand> batch = new ArrayList<>();
                    int tlbis = 1 + rnd.nextInt(3);
                    for (int k = 0; k < tlbis; k++) {
                        batch.add(TlbiNhVa.of(0, 1, 0x1000L * rnd.nextInt(1 << 20), true).encode());
                    }
                    batch.add(CmdSync.poll().encode());
                    smmuPending = batch.size();
                    w.append(SMMU, new SmmuChange.Submitted(batch), ts + i);
                } else {
                    w.append(SMMU, new SmmuChange.Consumed(smmuPending, List.of()), ts + i);
                    smmuPending = 0;
                }
            }
        }
        try (JournalReader r = JournalReader.open(dir)) {
            for (String pid : r.persistenceIds()) {
                counts.put(pid, r.highestSequenceNr(pid));
            }
        }
        return counts;
    }

    /** A driver's DMA buffers: maps a new one of 1-8 pages, unmaps the oldest once 256 are mapped. */
    private static final class Driver {
        private final String pid;
        private final long base;
        private final ArrayDeque<long[]> mapped = new ArrayDeque<>();
        private long slot;

        Driver(String pid, long base) {
            this.pid = pid;
            this.base = base;
        }

        DomainEvent next(SplittableRandom rnd) {
            if (mapped.size() >= OUTSTANDING && (mapped.size() >= 2 * OUTSTANDING || rnd.nextBoolean())) {
                long[] b = mapped.removeFirst();
                List<UnmapSegment> segs = new ArrayList<>();
                for (int p = 0; p < b[1]; p++) {
                    segs.add(new UnmapSegment(b[0] + p * 4096L, 4096));
                }
                return new DomainEvent.TableChanged(new Unmapped(segs));
            }
            int pages = 1 + rnd.nextInt(8);
            // 8-page slots on a ring four times the outstanding count: IOVAs are reused, as an allocator does
            long iova = base + (slot++ % (4 * 2 * OUTSTANDING)) * 8 * 4096L;
            List<MapSegment> segs = new ArrayList<>();
            for (int p = 0; p < pages; p++) {
                segs.add(new MapSegment(iova + p * 4096L, 0x8000_0000L + rnd.nextInt(1 << 20) * 4096L, 4096, Prot.rw()));
            }
            mapped.addLast(new long[] {iova, pages});
            return new DomainEvent.TableChanged(new Mapped(segs));
        }
    }

    /** Applies nothing: what reading and decoding cost alone. */
    private static final class Counting implements StateFolder<Object> {
        private long seen;

        @Override
        public Object initial() {
            return this;
        }

        @Override
        public Object restore(Object snapshot, String where) {
            return this;
        }

        @Override
        public Object apply(Object state, Object event) {
            seen++;
            return state;
        }
    }

    private static long size(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
