package org.iommusim.simulations.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import org.iommusim.actors.api.TranslationPort;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationBurst;

/**
 * One device's DMA in concurrent mode. Accesses gather into a
 * {@link TranslationBurst}, sent through the SMMU's {@link TranslationPort}
 * when full (or when the device must wait for its answers), without waiting:
 * up to {@link #IN_FLIGHT} bursts are in flight. The port's callback, on a
 * model thread, only hands the answered burst back; the device's own thread
 * checks the answers, in the order the bursts were sent, and then runs what
 * was waiting for them ({@link #afterDma}: a buffer is unmapped only once the
 * DMA into it has landed, as a driver does on completion).
 *
 * <p>Used by one device thread; only the hand-back queue is shared.
 */
final class DmaPipe {
    /** Bursts one device keeps in flight at most. */
    static final int IN_FLIGHT = 32;

    /** Checks an answered burst: every request was sent at {@code sentAt}. */
    interface Checks {
        void answered(Device d, long sentAt, TranslationBurst burst);
    }

    /** A burst sent, with what waits for it. */
    private static final class Sent {
        final TranslationBurst burst;
        final long at;
        final List<Runnable> releases;
        boolean answered;

        Sent(TranslationBurst burst, long at, List<Runnable> releases) {
            this.burst = burst;
            this.at = at;
            this.releases = releases;
        }
    }

    private final Device device;
    private final TranslationPort port;
    private final Checks checks;
    private final Clock clock;
    private final LinkedBlockingQueue<Sent> handedBack = new LinkedBlockingQueue<>();
    private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
    private final ArrayDeque<TranslationBurst> spare = new ArrayDeque<>();
    private TranslationBurst open;
    private List<Runnable> openReleases = new ArrayList<>();
    private long bursts;
    private int peakInFlight;

    DmaPipe(Device device, TranslationPort port, Checks checks, Clock clock) {
        this.device = device;
        this.port = port;
        this.checks = checks;
        this.clock = clock;
    }

    /** Adds one access to the open burst; sends it when full. */
    void dma(long iova, Access access) {
        if (open == null) {
            open = spare.isEmpty() ? port.newBurst() : spare.poll();
        }
        open.add(device.sid, iova, access);
        if (open.size() == open.capacity()) {
            send();
        }
    }

    /** Runs {@code release} once every access added so far has been answered and checked. */
    void afterDma(Runnable release) {
        if (open != null) {
            openReleases.add(release);
        } else if (!inFlight.isEmpty()) {
            // the device's latest accesses went out with the last burst; it retires after every earlier one
            inFlight.peekLast().releases.add(release);
        } else {
            release.run();
        }
    }

    /** Retires what has come back without waiting. */
    void poll() {
        for (Sent s = handedBack.poll(); s != null; s = handedBack.poll()) {
            s.answered = true;
        }
        retire();
    }

    /** Sends the open burst and takes answers until {@code ready} holds. */
    void await(BooleanSupplier ready) {
        while (!ready.getAsBoolean()) {
            if (open != null) {
                send();
            } else if (inFlight.isEmpty()) {
                throw new IllegalStateException(device.name + " waits for DMA answers, but none is in flight");
            } else {
                takeOne();
            }
        }
    }

    /** At the end of the run: sends what is open and waits for every answer. */
    void finish() {
        if (open != null) {
            send();
        }
        while (!inFlight.isEmpty()) {
            takeOne();
        }
    }

    /** Bursts sent so far. */
    long bursts() {
        return bursts;
    }

    /** The most bursts that were in flight at once. */
    int peakInFlight() {
        return peakInFlight;
    }

    private void send() {
        while (inFlight.size() >= IN_FLIGHT) {
            takeOne();
        }
        // stamped when it leaves: no request of it reaches the SMMU earlier
        Sent s = new Sent(open, clock.now(), openReleases);
        open = null;
        openReleases = new ArrayList<>();
        inFlight.addLast(s);
        bursts++;
        peakInFlight = Math.max(peakInFlight, inFlight.size());
        port.submit(s.burst, b -> handedBack.add(s));
    }

    private void takeOne() {
        Sent s;
        try {
            s = handedBack.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(device.name + " was interrupted while its DMA was in flight", e);
        }
        s.answered = true;
        retire();
    }

    /** Checks answered bursts in the order they were sent, then runs what waited for each. */
    private void retire() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().answered) {
            Sent s = inFlight.pollFirst();
            checks.answered(device, s.at, s.burst);
            s.burst.clear();
            spare.add(s.burst);
            for (Runnable r : s.releases) {
                r.run();
            }
        }
    }
}
