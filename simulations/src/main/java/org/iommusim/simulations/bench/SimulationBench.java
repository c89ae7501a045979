package org.iommusim.simulations.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.persistence.replay.JournalLocation;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteOptions;

/**
 * How fast a simulation runs (issue I): a scenario (quickstart) through
 * {@link Simulation#run} in its default, deterministic mode, and with
 * {@code --concurrent}. Each run is timed from its first reported operation
 * to its last (its progress callbacks), so model start, the final drain and
 * close, and the journal digest are left out.
 *
 * <p>Beside the deterministic runs, their journal: records written per
 * second of the run, against a raw loop that writes the same records (the
 * same keys and bytes, read back from the run's LevelDB) into a fresh
 * LevelDB through LevelDB JNI, one unsynced write each, in the rounds
 * alternating with the runs'.
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.SimulationBench
 * [OPERATIONS [ROUNDS [SCENARIO]]]} (defaults 200000, 3, quickstart; half as many operations with
 * {@code --concurrent}, as {@code iommu-sim bench} runs them).
 */
public final class SimulationBench {
    private SimulationBench() {}

    /**
     * The figures, per second.
     *
     * @param operations         simulated operations, deterministic mode
     * @param journalRecords     journal records written during those runs
     * @param rawJournalRecords  the same records written by the raw loop
     * @param concurrentChecked  translations checked, {@code --concurrent}
     */
    public record Figures(Rounds operations, Rounds journalRecords, Rounds rawJournalRecords,
            Rounds concurrentChecked, Rounds operationsUntimed) {
        public String table() {
            return String.format("%-52s %s%n", "simulated operations (deterministic)", operations.summary())
                    + String.format("%-52s %s%n", "  journal records written during the run", journalRecords.summary())
                    + String.format("%-52s %s  ratio %.3f%n", "  the same records, raw unsynced LevelDB JNI loop",
                            rawJournalRecords.summary(), journalRecords.mean() / rawJournalRecords.mean())
                    + String.format("%-52s %s%n", "translations checked (--concurrent)", concurrentChecked.summary())
                    + String.format("%-52s %s  ratio %.3f%n", "simulated operations, timing model off",
                            operationsUntimed.summary(), operations.mean() / operationsUntimed.mean());
        }
    }

    public static void main(String[] args) throws Exception {
        long ops = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path scenario = Path.of(args.length > 2 ? args[2] : "conf/scenarios/quickstart.conf");
        System.out.print(measure(scenario, ops, ops / 2, rounds).table());
    }

    /** One warm-up and {@code rounds} timed runs of each mode. */
    public static Figures measure(Path scenario, long operations, long concurrentOperations, int rounds)
            throws Exception {
        Scenario sc = ScenarioLoader.load(scenario, List.of("length.operations = " + operations));
        double[] ops = new double[rounds];
        double[] records = new double[rounds];
        double[] raw = new double[rounds];
        double[] untimed = new double[rounds];
        for (int i = -1; i < rounds; i++) {
            Path dir = Files.createTempDirectory("iommu-sim-bench-sim");
            try {
                Span span = new Span();
                SimulationReport r = Simulation.run(sc, dir, false, span);
                Records journal = Records.read(dir.resolve("journal"));
                double rawRate = journal.rewriteRate();
                if (i >= 0) {
                    ops[i] = span.operationsPerSecond(r.run().operations());
                    records[i] = journal.count() / span.seconds();
                    raw[i] = rawRate;
                }
            } finally {
                DomainMapBench.deleteTree(dir);
            }
            // the same run with the timing model off, alternating with the timed rounds (timingOverheadRatio)
            Path off = Files.createTempDirectory("iommu-sim-bench-sim");
            try {
                Span span = new Span();
                SimulationReport r = Simulation.runUntimed(sc, off, span);
                if (i >= 0) {
                    untimed[i] = span.operationsPerSecond(r.run().operations());
                }
            } finally {
                DomainMapBench.deleteTree(off);
            }
        }
        Scenario concurrent = ScenarioLoader.load(scenario, List.of("length.operations = " + concurrentOperations));
        double[] checked = new double[rounds];
        for (int i = -1; i < rounds; i++) {
            Path dir = Files.createTempDirectory("iommu-sim-bench-sim");
            try {
                Span span = new Span();
                SimulationReport r = Simulation.run(concurrent, dir, true, span);
                if (i >= 0) {
                    // translations per operation are steady: the span's share of them, over the span
                    checked[i] = r.checker().translationsChecked() * span.fraction() / span.seconds();
                }
            } finally {
                DomainMapBench.deleteTree(dir);
            }
        }
        return new Figures(new Rounds(ops), new Rounds(records), new Rounds(raw), new Rounds(checked),
                new Rounds(untimed));
    }

    /**
     * A run's progress as it reports it: the moment of its first and last
     * report and the share of its operations between them (per mille).
     */
    static final class Span implements LongConsumer {
        private long firstNanos = -1;
        private long lastNanos;
        private long firstPermille;
        private long lastPermille;

        @Override
        public synchronized void accept(long permille) {
            long now = System.nanoTime();
            if (firstNanos < 0) {
                firstNanos = now;
                firstPermille = permille;
            }
            lastNanos = now;
            lastPermille = permille;
        }

        synchronized double seconds() {
            if (firstNanos < 0 || lastNanos == firstNanos) {
                throw new IllegalStateException("the run reported too little progress to be timed");
            }
            return (lastNanos - firstNanos) / 1e9;
        }

        /** The share of the run's operations between its first and last report. */
        synchronized double fraction() {
            return (lastPermille - firstPermille) / 1000.0;
        }

        double operationsPerSecond(long operations) {
            return operations * fraction() / seconds();
        }
    }

    /** A journal's records as stored (key and value bytes), in key order. */
    record Records(List<byte[]> keys, List<byte[]> values) {
        static Records read(Path runJournal) throws IOException {
            Path leveldb = JournalLocation.check(runJournal).journalDir();
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            try (DB db = JniDBFactory.factory.open(leveldb.toFile(), new Options().createIfMissing(false));
                    DBIterator it = db.iterator(new ReadOptions().fillCache(false))) {
                for (it.seekToFirst(); it.hasNext(); ) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    keys.add(e.getKey());
                    values.add(e.getValue());
                }
            }
            return new Records(keys, values);
        }

        int count() {
            return keys.size();
        }

        /** Writes every record into a fresh LevelDB, one unsynced write each; returns records per second. */
        double rewriteRate() throws IOException {
            Path dir = Files.createTempDirectory("iommu-sim-bench-raw-journal");
            try (DB db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true))) {
                WriteOptions unsynced = new WriteOptions().sync(false);
                long t0 = System.nanoTime();
                for (int i = 0; i < keys.size(); i++) {
                    db.put(keys.get(i), values.get(i), unsynced);
                }
                return keys.size() * 1e9 / (System.nanoTime() - t0);
            } finally {
                DomainMapBench.deleteTree(dir);
            }
        }
    }
}
