package org.iommusim.simulations.engine;

/**
 * Time inside one agent step. In deterministic runs it is virtual: it starts
 * at the step's scheduled time and each modelled cost advances it. In
 * concurrent runs it is real (nanoseconds since the run began) and costs do
 * not move it.
 */
final class Clock {
    private long now;
    private final long realStart;

    private Clock(long now, long realStart) {
        this.now = now;
        this.realStart = realStart;
    }

    static Clock virtual(long at) {
        return new Clock(at, -1);
    }

    static Clock real(long runStart) {
        return new Clock(0, runStart);
    }

    long now() {
        return realStart < 0 ? now : System.nanoTime() - realStart;
    }

    long advance(long ns) {
        if (realStart < 0) {
            now += ns;
        }
        return now();
    }
}
