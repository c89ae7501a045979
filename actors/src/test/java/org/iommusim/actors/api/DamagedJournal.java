package org.iommusim.actors.api;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.testing.JournalDamage;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * A real journal written by two runs of the model (the second opens the
 * first's log as a table, then writes a new log: so there is a {@code .sst}
 * and a multi-block {@code .log}), with domain snapshots, and the ways to
 * damage a copy of it.
 */
final class DamagedJournal {
    static final DomainId D = DomainId.of(1);
    static final int MAPS_PER_RUN = 1_100;

    private DamagedJournal() {}

    /**
     * Writes the journal under {@code data}; returns domain-1's page-table digest at the end. Domain snapshots
     * are taken every 1,000 events while it is written (the default, 10,000, would take none of these few).
     */
    static long write(Path data) {
        return org.iommusim.actors.testing.SnapshotInterval.domains(1000, () -> writeRuns(data));
    }

    private static long writeRuns(Path data) {
        ModelOptions opts = ModelOptions.at(data).withFsync(false).withWorkers(2);
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.writeCd(smmu, 1, 0, Cd.of(5, D));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            work(sim, smmu, 0);
        }
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            work(sim, smmu, MAPS_PER_RUN);
            return ModelInternals.pageTable(sim, D).orElseThrow().digest();
        }
    }

    /** Maps pages one by one, translates some (fills), unmaps every tenth with its TLBI and CMD_SYNC. */
    private static void work(IommuSim sim, Smmu smmu, int from) {
        for (int i = from; i < from + MAPS_PER_RUN; i++) {
            long iova = 0x1000_0000L + i * 0x1000L;
            sim.map(D, MapBatch.single(iova, 0x8000_0000L + i * 0x1000L, 0x1000, Prot.rw()));
            if (i % 10 == 0) {
                sim.translate(smmu, TranslationRequest.of(1, iova, Access.READ));
                sim.unmap(D, UnmapBatch.single(iova, 0x1000));
                sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, iova, true), CmdSync.poll()));
            }
        }
    }

    /** How a copy is damaged. */
    enum Damage {
        LOG_BYTES_FLIPPED, LOG_BLOCK_ZEROED, TABLE_BYTES_FLIPPED, TABLE_BLOCK_ZEROED, CURRENT_DELETED,
        MANIFEST_EMPTIED, SNAPSHOT_JUNK;

        /** Damages the journal under {@code data}; returns the file damaged. */
        Path apply(Path data) throws IOException {
            Path journal = data.resolve("journal");
            switch (this) {
                case LOG_BYTES_FLIPPED -> {
                    Path log = only(journal, ".log");
                    flip(log, Files.size(log) / 2, 64);
                    return log;
                }
                case LOG_BLOCK_ZEROED -> {
                    Path log = only(journal, ".log");
                    long blocks = Files.size(log) / 32_768;
                    if (blocks < 3) {
                        throw new IllegalStateException("the log is too short to zero a block inside it: " + log);
                    }
                    zero(log, blocks / 2 * 32_768, 32_768);
                    return log;
                }
                case TABLE_BYTES_FLIPPED -> {
                    Path table = only(journal, ".sst");
                    flip(table, Files.size(table) / 2, 64);
                    return table;
                }
                case TABLE_BLOCK_ZEROED -> {
                    Path table = only(journal, ".sst");
                    zero(table, Files.size(table) / 3, 4_096);
                    return table;
                }
                case CURRENT_DELETED -> {
                    Files.delete(journal.resolve("CURRENT"));
                    return journal.resolve("CURRENT");
                }
                case MANIFEST_EMPTIED -> {
                    Path manifest = only(journal, "MANIFEST-");
                    Files.write(manifest, new byte[0]);
                    return manifest;
                }
                case SNAPSHOT_JUNK -> {
                    Path snapshot = newestSnapshot(data, "domain-1");
                    junk(snapshot);
                    return snapshot;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /** Junk in the middle of every snapshot of {@code pid}; returns how many. */
    static int junkEverySnapshot(Path data, String pid) throws IOException {
        int n = 0;
        try (Stream<Path> s = Files.list(data.resolve("snapshots"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().startsWith("snapshot-" + pid + "-")) {
                    junk(p);
                    n++;
                }
            }
        }
        return n;
    }

    private static void junk(Path snapshot) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(snapshot.toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write("junk in a snapshot".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    static Path newestSnapshot(Path data, String pid) throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("snapshots"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("snapshot-" + pid + "-"))
                    .max((a, b) -> Long.compare(seq(a), seq(b))).orElseThrow();
        }
    }

    private static long seq(Path snapshot) {
        String[] parts = snapshot.getFileName().toString().split("-");
        return Long.parseLong(parts[parts.length - 2]);
    }

    static Path only(Path dir, String kind) throws IOException {
        return JournalDamage.only(dir, kind);
    }

    private static void flip(Path file, long at, int n) throws IOException {
        JournalDamage.flip(file, at, n);
    }

    private static void zero(Path file, long at, int n) throws IOException {
        JournalDamage.write(file, at, new byte[n]);
    }

    static void cutLogTail(Path data, int n) throws IOException {
        JournalDamage.cutLogTail(data, n);
    }

    static void copy(Path from, Path to) throws IOException {
        JournalDamage.copy(from, to);
    }

    /** Every file under {@code dir} with the SHA-256 of its bytes. */
    static Map<String, String> hash(Path dir) {
        return DirectoryFiles.hash(dir);
    }
}
