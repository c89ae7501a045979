package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuListener;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.EventCodec;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host holds no monitor while a call waits for its CMD_SYNC (unmap's IOTLB invalidation, an STE change's
 * CFGI_STE): event delivery to vEVENTQs and other vCPUs' calls go on meanwhile, and the races that opens are
 * settled as Linux's locks settle them. Threaded mode; latches, no timing.
 */
class HostLockTest {
    private static final long AREA = 0x10_0000L;
    private final ExecutorService vcpus = Executors.newFixedThreadPool(3, r -> new Thread(r, "vcpu"));
    /** Whether any thread reached a sync with the host's monitor held. */
    private final List<String> heldAtSync = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        vcpus.shutdownNow();
    }

    /** Parks the threads in {@code parked} at their sync until {@code release}; records whether the monitor was held. */
    private void parkAtSync(IommufdHost host, List<Thread> parkThese, CountDownLatch parked, CountDownLatch release) {
        host.onIssuing(cmds -> {
            if (Thread.holdsLock(host)) {
                heldAtSync.add(Thread.currentThread().getName() + ": " + cmds);
            }
            if (parkThese.contains(Thread.currentThread())) {
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    private static boolean translates(HostFixture f, int sid, long iova) {
        return f.sim.translate(f.smmu, TranslationRequest.of(sid, iova, Access.READ)) instanceof Translated;
    }

    @Test
    void aVeventIsRoutedWhileAnotherThreadsAttachWaitsForItsCfgiSte(@TempDir Path dir) throws Exception {
        try (HostFixture f = new HostFixture(dir)) {
            NestedRig g = new NestedRig(f, 0x21, 0x10, NestedRig.PA);
            int q = f.host.veventqAlloc(g.viommu, Veventq.TYPE_ARM_SMMUV3, 8);
            // registered after the host's router, so called after it on the same interrupt thread
            CountDownLatch heard = new CountDownLatch(1);
            f.sim.addListener(f.smmu, new SmmuListener() {
                @Override
                public void onEvents(Smmu s, List<SmmuEvent> records) {
                    heard.countDown();
                }
            });
            List<Thread> park = new CopyOnWriteArrayList<>();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            parkAtSync(f.host, park, parked, release);
            Future<Integer> attach = vcpus.submit(() -> {
                park.add(Thread.currentThread());
                return f.host.attach(0x30, g.s2); // a second device: STE written, CFGI_STE to come
            });
            assertTrue(parked.await(30, TimeUnit.SECONDS), "the attach reached its CFGI_STE");
            // meanwhile the guest device faults: the record is routed to the vEVENTQ with the vSID
            assertTrue(g.dma(0x2000_0000L) instanceof Faulted);
            assertTrue(heard.await(30, TimeUnit.SECONDS), "the interrupt thread was not held up by the host");
            List<Vevent> read = f.host.veventqRead(q, 1 << 20);
            assertEquals(1, read.size(), read.toString());
            assertEquals(0x21, ((SmmuEvent) EventCodec.decode(read.get(0).record().orElseThrow())).sid());
            assertFalse(attach.isDone(), "the attach is still parked at its sync");
            release.countDown();
            assertEquals(g.s2, attach.get(30, TimeUnit.SECONDS));
            assertTrue(translates(f, 0x30, NestedRig.IPA), "after the attach returned, its STE is in force");
            assertEquals(List.of(), heldAtSync);
        }
    }

    @Test
    void twoVcpusUnmapsAreInFlightAtOnceAndBothTakeEffect(@TempDir Path dir) throws Exception {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, AREA, 0x8_0000_0000L, 0x1000, Prot.rw());
            f.host.ioasMap(ioas, 2 * AREA, 0x8_0010_0000L, 0x1000, Prot.rw());
            f.host.attach(0x20, ioas);
            assertTrue(translates(f, 0x20, AREA));
            assertTrue(translates(f, 0x20, 2 * AREA));
            CountDownLatch bothInFlight = new CountDownLatch(2);
            List<Boolean> sawBoth = new CopyOnWriteArrayList<>();
            f.host.onIssuing(cmds -> {
                if (Thread.holdsLock(f.host)) {
                    heldAtSync.add(Thread.currentThread().getName());
                }
                bothInFlight.countDown();
                try {
                    // with the monitor held across the sync the other unmap could never get here
                    sawBoth.add(bothInFlight.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Future<Long> a = vcpus.submit(() -> f.host.ioasUnmap(ioas, AREA, 0x1000));
            Future<Long> b = vcpus.submit(() -> f.host.ioasUnmap(ioas, 2 * AREA, 0x1000));
            assertEquals(0x1000L, a.get(60, TimeUnit.SECONDS));
            assertEquals(0x1000L, b.get(60, TimeUnit.SECONDS));
            assertEquals(List.of(true, true), sawBoth, "both unmaps were between their page-table change and sync at once");
            assertFalse(translates(f, 0x20, AREA), "each unmap's TLBI took effect before it returned");
            assertFalse(translates(f, 0x20, 2 * AREA));
            assertEquals(List.of(), heldAtSync);
        }
    }

    @Test
    void aMapOverARangeWhoseUnmapIsStillInvalidatingWaitsForIt(@TempDir Path dir) throws Exception {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, AREA, 0x8_0000_0000L, 0x1000, Prot.rw());
            f.host.attach(0x20, ioas);
            assertTrue(translates(f, 0x20, AREA)); // the IOTLB now holds the old translation
            List<Thread> park = new CopyOnWriteArrayList<>();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            parkAtSync(f.host, park, parked, release);
            Future<Long> unmap = vcpus.submit(() -> {
                park.add(Thread.currentThread());
                return f.host.ioasUnmap(ioas, AREA, 0x1000);
            });
            assertTrue(parked.await(30, TimeUnit.SECONDS));
            Future<?> remap = vcpus.submit(() -> f.host.ioasMap(ioas, AREA, 0x9_0000_0000L, 0x1000, Prot.rw()));
            // a non-overlapping map is not held up
            f.host.ioasMap(ioas, 2 * AREA, 0x9_1000_0000L, 0x1000, Prot.rw());
            // nor is a second unmap of the same range refused before the first's TLBI: it waits too
            Future<Long> again = vcpus.submit(() -> f.host.ioasUnmap(ioas, AREA, 0x1000));
            assertFalse(remap.isDone(), "the remap waits for the unmap's invalidation");
            assertFalse(again.isDone());
            release.countDown();
            assertEquals(0x1000L, unmap.get(30, TimeUnit.SECONDS));
            remap.get(30, TimeUnit.SECONDS);
            // the second unmap ran after the remap or before it: it removed the new mapping, or found nothing
            long second;
            try {
                second = again.get(30, TimeUnit.SECONDS);
                assertEquals(0x1000L, second);
                assertFalse(translates(f, 0x20, AREA));
            } catch (java.util.concurrent.ExecutionException e) {
                IommufdException x = (IommufdException) e.getCause();
                assertEquals(Errno.ENOENT, x.errno(), x.getMessage());
                var r = f.sim.translate(f.smmu, TranslationRequest.of(0x20, AREA, Access.READ));
                assertEquals(0x9_0000_0000L, ((Translated) r).outputAddress(), "the remap is seen, not the stale entry");
            }
            assertEquals(List.of(), heldAtSync);
        }
    }

    @Test
    void aHwptADeviceIsLeavingIsBusyUntilItsCfgiSteCompletes(@TempDir Path dir) throws Exception {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, AREA, 0x8_0000_0000L, 0x1000, Prot.rw());
            int hwpt = f.host.hwptAlloc(ioas);
            f.host.attach(0x20, hwpt);
            List<Thread> park = new CopyOnWriteArrayList<>();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            parkAtSync(f.host, park, parked, release);
            Future<?> detach = vcpus.submit(() -> {
                park.add(Thread.currentThread());
                f.host.detach(0x20);
            });
            assertTrue(parked.await(30, TimeUnit.SECONDS));
            // the STE in force may still name the HWPT: freeing its domain and tag now would be wrong
            IommufdException busy = assertThrows(IommufdException.class, () -> f.host.destroy(hwpt));
            assertEquals(Errno.EBUSY, busy.errno());
            assertTrue(busy.getMessage().contains("leaving"), busy.getMessage());
            release.countDown();
            detach.get(30, TimeUnit.SECONDS);
            f.host.destroy(hwpt);
            assertTrue(f.host.object(hwpt).isEmpty());
            assertFalse(translates(f, 0x20, AREA), "detached: the STE in force aborts");
            assertEquals(List.of(), heldAtSync);
        }
    }

    @Test
    void anUnmapDuringAnAutoDomainsLeavingCfgiSteStillUnmapsAndInvalidatesIt(@TempDir Path dir) throws Exception {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, AREA, 0x8_0000_0000L, 0x1000, Prot.rw());
            int auto = f.host.attach(0x20, ioas);
            DomainId domain = ((PagingHwpt) f.host.object(auto).orElseThrow()).domain();
            assertTrue(translates(f, 0x20, AREA)); // the SMMU now caches the STE naming the auto domain, and the IOTLB entry
            List<Thread> park = new CopyOnWriteArrayList<>();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            parkAtSync(f.host, park, parked, release);
            Future<?> detach = vcpus.submit(() -> {
                park.add(Thread.currentThread());
                f.host.detach(0x20); // its last device: the auto domain goes once the CFGI_STE completed
            });
            assertTrue(parked.await(30, TimeUnit.SECONDS), "the detach reached its CFGI_STE");
            assertTrue(f.host.object(auto).isPresent(), "the auto domain stays while the STE in force may name it");
            assertEquals(0x1000L, f.host.ioasUnmap(ioas, AREA, 0x1000));
            assertEquals(0L, f.sim.mappings(domain).orElseThrow().bytesMapped(),
                    "the unmap removed the area from the auto domain's table too");
            assertFalse(translates(f, 0x20, AREA), "the cached STE still names the auto domain; its IOTLB entry is gone");
            assertFalse(detach.isDone());
            release.countDown();
            detach.get(30, TimeUnit.SECONDS);
            assertTrue(f.host.object(auto).isEmpty(), "freed once its CFGI_STE completed");
            assertTrue(f.sim.mappings(domain).isEmpty(), "its domain is freed in the model");
            f.host.destroy(ioas); // no HWPT left on the IOAS
            assertEquals(List.of(), heldAtSync);
        }
    }

    @Test
    void closeInvalidatesTheStreamOfADetachStillWaitingForItsCfgiSte(@TempDir Path dir) throws Exception {
        try (HostFixture f = new HostFixture(dir)) {
            int ioas = f.host.ioasAlloc();
            f.host.ioasMap(ioas, AREA, 0x8_0000_0000L, 0x1000, Prot.rw());
            int hwpt = f.host.hwptAlloc(ioas);
            f.host.attach(0x20, hwpt);
            assertTrue(translates(f, 0x20, AREA)); // the SMMU caches the STE naming the HWPT
            List<Thread> park = new CopyOnWriteArrayList<>();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            parkAtSync(f.host, park, parked, release);
            Future<?> detach = vcpus.submit(() -> {
                park.add(Thread.currentThread());
                f.host.detach(0x20);
            });
            assertTrue(parked.await(30, TimeUnit.SECONDS), "the detach reached its CFGI_STE");
            f.host.close(); // frees the HWPT: its own CFGI_STE must cover the detaching device
            // without close's CFGI_STE for 0x20 the SMMU still uses the old STE, whose CD names the freed HWPT
            var r = f.sim.translate(f.smmu, TranslationRequest.of(0x20, AREA, Access.READ));
            assertTrue(r instanceof Terminated t && t.reason().contains("ABORT"),
                    "after close the STE in force is the detach's ABORT, not a cached one naming the freed HWPT: "
                            + r.toText());
            release.countDown();
            detach.get(30, TimeUnit.SECONDS);
            assertFalse(translates(f, 0x20, AREA));
            assertEquals(List.of(), heldAtSync);
        }
    }
}
