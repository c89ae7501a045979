package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.persistence.ids.IdState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.TlbiEl2All;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMMU's VMID and ASID allocator through the facade: reuse only after a completed flush, exhaustion, restart. */
class IdAllocationTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();

    private static ModelOptions options(Path dir) {
        return ModelOptions.at(dir).withFsync(false).withWorkers(2);
    }

    private static long flushes(IommuSim sim, Smmu smmu, CommandOpcode op) {
        return sim.statistics(smmu).invalidationsByCommand().getOrDefault(op, 0L);
    }

    /** TLBI_EL2_ALL on an SMMU without HYP: the queue halts (CERROR_ILL) at it. */
    private static void haltQueue(IommuSim sim, Smmu smmu) {
        sim.submit(smmu, List.of(new TlbiEl2All()));
        assertTrue(sim.smmuView(smmu).commandQueue().halted());
    }

    @Test
    void releaseFlushesTheIdThroughTheQueueBeforeItIsHandedOutAgain(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(options(dir))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            assertEquals(1, sim.allocateVmid(smmu), "VMID 0 tags host stage 1: VMIDs start at 1");
            assertEquals(2, sim.allocateVmid(smmu));
            assertEquals(1, sim.allocateAsid(smmu), "ASIDs are a space of their own");
            sim.releaseVmid(smmu, 1);
            assertEquals(1L, flushes(sim, smmu, CommandOpcode.TLBI_S12_VMALL), "the release sent TLBI_S12_VMALL");
            assertEquals(1, sim.allocateVmid(smmu), "flushed: the lowest free VMID again, as ida does");
            sim.releaseAsid(smmu, 1);
            assertEquals(1L, flushes(sim, smmu, CommandOpcode.TLBI_NH_ASID));
            ModelException twice = assertThrows(ModelException.class, () -> sim.releaseAsid(smmu, 1));
            assertEquals(ModelException.Kind.ID_NOT_IN_USE, twice.kind());
        }
    }

    @Test
    void anIdWhoseFlushHasNotCompletedIsNeverReused(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(options(dir))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            sim.allocateVmid(smmu);
            sim.allocateVmid(smmu);
            haltQueue(sim, smmu);
            ModelException failed = assertThrows(ModelException.class, () -> sim.releaseVmid(smmu, 1));
            assertEquals(ModelException.Kind.FLUSH_FAILED, failed.kind(), failed.getMessage());
            IdState ids = ModelInternals.ids(sim, smmu);
            assertTrue(ids.vmids().awaitingFlush(1), ids.toString());
            assertEquals(0L, flushes(sim, smmu, CommandOpcode.TLBI_S12_VMALL), "the flush is stuck behind the error");
            assertEquals(3, sim.allocateVmid(smmu), "VMID 1 awaits its flush: not handed out");
            sim.resume(smmu, CmdSync.poll().encode());
            sim.releaseVmid(smmu, 1); // released again: flushed again, and this time the sync completes
            assertTrue(flushes(sim, smmu, CommandOpcode.TLBI_S12_VMALL) >= 1);
            assertEquals(List.of(), sim.idAllocations(smmu).vmidsAwaitingFlush());
            assertEquals(1, sim.allocateVmid(smmu));
        }
    }

    @Test
    void exhaustionIsAClearRefusalAndAStuckIdIsFlushedWhenItIsTheLastWayOut(@TempDir Path dir) {
        SmmuCapabilities narrow = CAPS.toBuilder().vmidBits(8).asidBits(8).build();
        try (IommuSim sim = IommuSim.start(options(dir))) {
            Smmu smmu = sim.addSmmu(0, narrow);
            for (int i = 1; i <= 255; i++) {
                assertEquals(i, sim.allocateVmid(smmu));
            }
            ModelException full = assertThrows(ModelException.class, () -> sim.allocateVmid(smmu));
            assertEquals(ModelException.Kind.ID_EXHAUSTED, full.kind());
            assertTrue(full.getMessage().contains("255 8-bit VMIDs"), full.getMessage());
            haltQueue(sim, smmu);
            assertThrows(ModelException.class, () -> sim.releaseVmid(smmu, 200));
            ModelException stuck = assertThrows(ModelException.class, () -> sim.allocateVmid(smmu));
            assertEquals(ModelException.Kind.ID_EXHAUSTED, stuck.kind());
            assertTrue(stuck.getMessage().contains("flushing the ids awaiting it failed"), stuck.getMessage());
            sim.resume(smmu, CmdSync.poll().encode());
            assertEquals(200, sim.allocateVmid(smmu), "the allocation flushed VMID 200 and then took it");
            assertEquals(1, sim.allocateAsid(smmu), "ASIDs were never touched");
        }
    }

    @Test
    void aRestartRecoversIdsInUseAndFlushesReleasedOnesBeforeServing(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(options(dir))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            sim.allocateVmid(smmu);
            sim.allocateVmid(smmu);
            sim.allocateAsid(smmu);
            haltQueue(sim, smmu);
            assertThrows(ModelException.class, () -> sim.releaseVmid(smmu, 1));
            sim.resume(smmu, CmdSync.poll().encode());
            sim.submitAndWait(smmu, List.of(CmdSync.poll()));
            assertEquals(1L, flushes(sim, smmu, CommandOpcode.TLBI_S12_VMALL), "consumed, but the allocator gave up");
            assertTrue(ModelInternals.ids(sim, smmu).vmids().awaitingFlush(1));
        }
        try (IommuSim sim = IommuSim.start(options(dir))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            IdState ids = ModelInternals.ids(sim, smmu);
            assertEquals(List.of(2), ids.vmids().inUseIds(), "in use before the restart, in use after it");
            assertEquals(List.of(1), ids.asids().inUseIds());
            assertEquals(List.of(), ids.vmids().awaitingFlushIds(), "flushed while the SMMU was re-added");
            assertEquals(2L, flushes(sim, smmu, CommandOpcode.TLBI_S12_VMALL), "the recovery's own TLBI_S12_VMALL");
            assertEquals(1, sim.allocateVmid(smmu));
            assertEquals(3, sim.allocateVmid(smmu));
        }
    }

    @Test
    void aKindTheSmmuCannotUseIsRefused(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(options(dir))) {
            Smmu smmu = sim.addSmmu(0, CAPS.toBuilder().stage2(false).build());
            assertEquals(ModelException.Kind.ID_UNSUPPORTED, assertThrows(ModelException.class, () -> sim.allocateVmid(smmu)).kind());
            assertEquals(1, sim.allocateAsid(smmu));
        }
    }
}
