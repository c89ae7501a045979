package org.iommusim.actors.api;

import java.nio.file.Files;
import java.nio.file.Path;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * Blocking {@code translate} calls on IOTLB hits from one thread, per second,
 * deterministic mode against threaded mode (two workers each). A figure to
 * print, not a test: run {@code main} with the test classpath.
 */
public final class BlockingTranslateRate {
    private BlockingTranslateRate() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        for (boolean deterministic : new boolean[] {true, false}) {
            Path dir = Files.createTempDirectory("translate-rate");
            ModelOptions opts = ModelOptions.at(dir).withFsync(false);
            opts = deterministic ? opts.deterministic() : opts.withWorkers(ModelOptions.DETERMINISTIC_WORKERS);
            try (IommuSim sim = IommuSim.start(opts)) {
                Smmu smmu = DeterministicWorkload.attach(sim);
                TranslationRequest r = TranslationRequest.of(1, DeterministicWorkload.IOVA + 0x10, Access.READ);
                int n = deterministic ? 1_000_000 : 20_000;
                run(sim, smmu, r, n); // warm-up (the JIT), and the page is a hit from here on
                for (int round = 0; round < rounds; round++) {
                    long t = System.nanoTime();
                    run(sim, smmu, r, n);
                    double secs = (System.nanoTime() - t) / 1e9;
                    System.out.printf("%s: %,.0f blocking translations/s (%d hits in %.2f s)%n",
                            deterministic ? "deterministic" : "threaded", n / secs, n, secs);
                }
            }
        }
    }

    private static void run(IommuSim sim, Smmu smmu, TranslationRequest r, int n) {
        for (int i = 0; i < n; i++) {
            if (!(sim.translate(smmu, r) instanceof Translated)) {
                throw new AssertionError("not a translation");
            }
        }
    }
}
