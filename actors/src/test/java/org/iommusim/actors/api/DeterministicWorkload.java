package org.iommusim.actors.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
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
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * One facade workload for the deterministic-mode tests: a domain, its
 * mappings, an STE and CD made effective, translations (misses, hits, a
 * burst), the write-behind flush let through by virtual time, an unmap with
 * its TLBI and CMD_SYNC, enough maps for a domain snapshot. {@link #main}
 * runs it in a child JVM and prints the journal's digest.
 */
final class DeterministicWorkload {
    static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    static final DomainId D = DomainId.of(1);
    static final long IOVA = 0x1000_0000L;
    static final long PA = 0x8000_0000L;

    private DeterministicWorkload() {}

    /** Allocates the domain, maps two pages, writes CD and STE, makes them effective. */
    static Smmu attach(IommuSim sim) {
        Smmu smmu = sim.addSmmu(0, CAPS);
        sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
        sim.map(D, MapBatch.of(new MapSegment(IOVA, PA, 0x1000, Prot.rw()),
                new MapSegment(IOVA + 0x1000, PA + 0x1000, 0x1000, Prot.rw())));
        sim.writeCd(smmu, 1, 0, Cd.of(5, D));
        sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
        sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
        return sim.smmu("smmu-0");
    }

    /** The whole workload; fails loudly if the model answers wrongly. */
    static void drive(IommuSim sim) {
        Smmu smmu = attach(sim);
        TranslationRequest r = TranslationRequest.of(1, IOVA + 0x10, Access.READ);
        for (int i = 0; i < 3; i++) {
            long out = ((Translated) sim.translate(smmu, r)).outputAddress();
            if (out != PA + 0x10) {
                throw new AssertionError("translated to " + Long.toHexString(out));
            }
        }
        sim.translateBurst(smmu, List.of(r, TranslationRequest.of(1, IOVA + 0x1000, Access.WRITE)));
        sim.advanceTo(sim.virtualNanos() + 10_000_000L); // past the fills' write-behind delay
        sim.unmap(D, UnmapBatch.single(IOVA, 0x1000));
        sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, IOVA, true), CmdSync.poll()));
        sim.translate(smmu, r); // a fault now
        // past the domain's snapshot interval (1000 events): a snapshot file is written too
        for (int i = 0; i < 1010; i++) {
            sim.map(D, MapBatch.single(0x4000_0000L + i * 0x1000L, PA + i * 0x1000L, 0x1000, Prot.rw()));
        }
        sim.statistics(smmu);
        sim.readEvents(smmu, 16);
    }

    /** Runs the workload deterministically on a fresh directory and returns the digest of what it wrote. */
    static String runAndDigest(Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            drive(sim);
        }
        return digest(dir);
    }

    /**
     * SHA-256 over the names and bytes of the journal's LevelDB tables, logs,
     * manifest and CURRENT, and of the snapshot files; LevelDB's LOCK and its
     * informational LOG (wall-clock lines of its own) are left out.
     */
    static String digest(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals("LOCK") || name.equals("LOG") || name.equals("LOG.old")) {
                    continue;
                }
                md.update(dataDir.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lists the files {@link #digest} covers with their sizes (for a failure message). */
    static String listing(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            StringBuilder b = new StringBuilder();
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                b.append(dataDir.relativize(f)).append(' ').append(Files.size(f)).append('\n');
            }
            return b.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For a child JVM: {@code args[0]} a fresh directory; prints the digest on the last line. */
    public static void main(String[] args) {
        System.out.println("digest " + runAndDigest(Path.of(args[0])));
    }
}
