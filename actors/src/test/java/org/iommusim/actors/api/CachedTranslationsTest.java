package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
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
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the TLBs hold, read for an audit: a fill shows, a TLBI completed by its CMD_SYNC removes it, a drop leaves it. */
class CachedTranslationsTest {
    private static final DomainId D = DomainId.of(1);

    @Test
    void theTlbsHoldWhatWasTranslatedUntilATlbiAndItsSyncRemoveIt(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).deterministic().withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.map(D, MapBatch.of(new MapSegment(0x1000_0000L, 0x8000_0000L, 0x1000, Prot.rw()),
                    new MapSegment(0x1000_1000L, 0x8000_1000L, 0x1000, Prot.rw())));
            sim.writeCd(smmu, 1, 0, Cd.of(5, D));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            assertEquals(List.of(), sim.cachedTranslations(smmu), "nothing translated yet");

            sim.translate(smmu, TranslationRequest.of(1, 0x1000_0010L, Access.READ));
            sim.translate(smmu, TranslationRequest.of(1, 0x1000_1010L, Access.READ));
            List<CachedTranslation> held = sim.cachedTranslations(smmu);
            assertEquals(2, held.size(), held.toString());
            CachedTranslation first = held.stream().filter(e -> e.va() == 0x1000_0000L).findFirst().orElseThrow();
            assertEquals(CachedTranslation.Kind.STAGE1, first.kind());
            assertEquals(0, first.vmid());
            assertEquals(5, first.asid());
            assertEquals(0x1000, first.size());
            assertTrue(first.hitBy(CachedTranslation.Kind.STAGE1, 0, 5, 0x1000_0fffL));
            assertFalse(first.hitBy(CachedTranslation.Kind.STAGE1, 0, 6, 0x1000_0000L), "another ASID's lookup misses it");
            assertFalse(first.hitBy(CachedTranslation.Kind.STAGE1, 0, 5, 0x1000_1000L), "outside its page");
            assertEquals(0x8000_0abcL, first.translate(0x1000_0abcL));
            assertEquals("smmu-0", first.smmu());
            assertTrue(first.toString().startsWith("smmu-0/tbu-" + first.tbu() + " STAGE1["), first.toString());

            // by context and range: the same entries in the same order, those of other tags or addresses left out
            assertEquals(held.toString(), sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 5,
                    0x1000_0000L, 0x1000_2000L).toString());
            assertEquals(List.of(first.toString()), sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 5,
                    0x1000_0800L, 0x1000_0801L).stream().map(Object::toString).toList());
            assertEquals(List.of(), sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 6,
                    0x1000_0000L, 0x1000_2000L), "another ASID");
            assertEquals(List.of(), sim.cachedTranslations(smmu, CachedTranslation.Kind.NESTED, 0, 5,
                    0x1000_0000L, 0x1000_2000L), "another kind");
            assertEquals(List.of(), sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 5,
                    0x1000_2000L, 0x1000_3000L), "past both pages");
            assertEquals(List.of(), sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 5,
                    0x1000_1000L, 0x1000_1000L), "an empty range");

            // the unmap alone leaves the cached entry: only the TLBI, completed by its sync, removes it
            sim.unmap(D, UnmapBatch.single(0x1000_0000L, 0x1000));
            assertEquals(2, sim.cachedTranslations(smmu).size());
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, 0x1000_0000L, true), CmdSync.poll()));
            List<CachedTranslation> after = sim.cachedTranslations(smmu);
            assertEquals(1, after.size(), after.toString());
            assertEquals(0x1000_1000L, after.get(0).va());
        }
    }
    /**
     * Deterministic mode at rest: a range read is served on the caller's thread from the workers' own handler,
     * with no executor turn, and answers what the workers' mailboxes answer to the same question.
     */
    @Test
    void aRangeReadAtRestRunsNoTurnAndAnswersAsTheMailboxDoes(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).deterministic().withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            for (long p = 0; p < 8; p++) {
                sim.map(D, MapBatch.of(new MapSegment(0x1000_0000L + p * 0x1000, 0x8000_0000L + p * 0x1000, 0x1000,
                        Prot.rw())));
            }
            sim.writeCd(smmu, 1, 0, Cd.of(5, D));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            for (long p = 0; p < 8; p += 2) {
                sim.translate(smmu, TranslationRequest.of(1, 0x1000_0000L + p * 0x1000, Access.READ));
            }
            sim.runUntilIdle();
            org.iommusim.actors.exec.CallerDrivenExecutor executor =
                    org.iommusim.actors.internal.ModelInternals.deterministicRuntime(sim).executor();
            long[][] ranges = {{0x1000_0000L, 0x1000_8000L}, {0x1000_1000L, 0x1000_3000L}, {0x1000_7000L, 0x1000_9000L},
                {0x2000_0000L, 0x2000_1000L}};
            for (long[] r : ranges) {
                long before = executor.executed();
                List<CachedTranslation> direct = sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 5,
                        r[0], r[1]);
                assertEquals(before, executor.executed(), "read at rest with no turn");
                var asked = sim.cachedTranslationsAsync(smmu, CachedTranslation.Kind.STAGE1, 0, 5, r[0], r[1])
                        .toCompletableFuture();
                sim.runUntilIdle();
                assertTrue(executor.executed() > before, "the asynchronous form asks the workers");
                assertEquals(asked.join().toString(), direct.toString());
            }
            assertEquals(4, sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 5, 0x1000_0000L,
                    0x1000_8000L).size(), "the four pages translated");
            // not at rest: the turns already queued (a translation submitted, not yet run) run before the read
            var pending = sim.translateAsync(smmu, TranslationRequest.of(1, 0x1000_1000L, Access.READ))
                    .toCompletableFuture();
            assertFalse(pending.isDone(), "queued, not run: nothing drives the model yet");
            assertEquals(5, sim.cachedTranslations(smmu, CachedTranslation.Kind.STAGE1, 0, 5, 0x1000_0000L,
                    0x1000_8000L).size(), "the queued translation's fill is seen");
            assertTrue(pending.isDone());
        }
    }
}
