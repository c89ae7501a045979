package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host does not hold its monitor while a guest's invalidation waits for CMD_SYNC: vCPUs invalidate concurrently. */
class ConcurrentInvalidationTest {

    @Test
    void aSecondVcpusInvalidationCompletesWhileTheFirstIsBetweenCheckAndSync(@TempDir Path dir) throws Exception {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            List<RawCommand> tlbi = List.of(new TlbiNhAsid(0, NestedRig.ASID).encode());
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService vcpus = Executors.newFixedThreadPool(2, r -> new Thread(r, "vcpu"));
            try {
                Thread[] first = new Thread[1];
                f.host.onIssuing(cmds -> {
                    if (Thread.currentThread() == first[0]) {
                        parked.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                Future<InvalidationResult> a = vcpus.submit(() -> {
                    first[0] = Thread.currentThread();
                    return f.host.invalidate(g.viommu, tlbi);
                });
                assertTrue(parked.await(30, TimeUnit.SECONDS), "vCPU 0 checked its entries");
                // vCPU 0 holds no monitor now: vCPU 1's invalidation goes through to its CMD_SYNC and back
                InvalidationResult b = vcpus.submit(() -> f.host.invalidate(g.viommu, tlbi)).get(30, TimeUnit.SECONDS);
                assertEquals(1, b.entriesHandled());
                assertFalse(a.isDone(), "vCPU 0 is still on its way to the queue");
                assertTrue(f.host.object(g.viommu).isPresent(), "other host calls go on too");
                release.countDown();
                assertEquals(1, a.get(30, TimeUnit.SECONDS).entriesHandled());
            } finally {
                release.countDown();
                vcpus.shutdownNow();
            }
        }
    }

    @Test
    void concurrentVcpusInvalidationsAreAllAnsweredAndAllTakeEffect(@TempDir Path dir) throws Exception {
        int vcpuCount = 4;
        int rounds = 40;
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f);
            assertTrue(g.dma(NestedRig.VA) instanceof Translated);
            long before = f.sim.statistics(f.smmu).invalidationsByCommand().getOrDefault(CommandOpcode.TLBI_NH_ASID, 0L);
            List<RawCommand> entries = List.of(new TlbiNhAsid(0, NestedRig.ASID).encode(),
                    new CfgiCd(g.vsid, 0, true).encode());
            ExecutorService vcpus = Executors.newFixedThreadPool(vcpuCount);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int v = 0; v < vcpuCount; v++) {
                    done.add(vcpus.submit(() -> {
                        int handled = 0;
                        for (int i = 0; i < rounds; i++) {
                            InvalidationResult r = f.host.invalidate(g.viommu, entries);
                            assertTrue(r.error().isEmpty(), r.toString());
                            handled += r.entriesHandled();
                        }
                        return handled;
                    }));
                }
                for (Future<Integer> d : done) {
                    assertEquals(2 * rounds, d.get(120, TimeUnit.SECONDS), "every invalidation answered in full");
                }
            } finally {
                vcpus.shutdownNow();
            }
            // every TLBI reached the IOTLB (each shard sees each consumed TLBI; statistics count it once)
            assertEquals(before + (long) vcpuCount * rounds, f.sim.statistics(f.smmu).invalidationsByCommand()
                    .get(CommandOpcode.TLBI_NH_ASID));
            // and the host still works as one: the guest unmaps, invalidates, and the device faults
            g.ram.unmap(g.guestTable, NestedRig.VA, 0x1000);
            f.host.invalidate(g.viommu, List.of(new TlbiNhAsid(0, NestedRig.ASID).encode()));
            assertTrue(g.dma(NestedRig.VA) instanceof Faulted);
        }
    }
}
