package org.iommusim.simulations.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.iommusim.simulations.report.TraceEventFile;

/**
 * What a deterministic run did, when, for {@code --timeline}: a track per
 * CPU (map, unmap, submit, sync wait), per device (DMA, stale use), per SMMU
 * (command consumption, CMD_SYNC) and per SMMU's IOTLB (fills,
 * invalidations), in virtual time, and the checker's violations as instants.
 * It only watches: the model never sees it, so a run's journal is the same
 * with or without it. Events pass through a {@link TimeOrder}, settled by the
 * scheduler, so the file is in time order.
 */
class Timeline {
    /** Records nothing. */
    static final Timeline NONE = new Timeline(null);

    static final int CPUS = 1;
    static final int DEVICES = 2;
    static final int SMMUS = 3;
    static final int CACHES = 4;
    static final int CHECKER = 5;

    private final TraceEventFile file;
    private final TimeOrder<Consumer<TraceEventFile>> order;
    private boolean closed;

    Timeline(TraceEventFile file) {
        this.file = file;
        this.order = file == null ? null : new TimeOrder<>((t, write) -> write.accept(file), 1 << 16);
    }

    boolean on() {
        return file != null;
    }

    /** Names the tracks: CPUs, devices (by their order), SMMUs and their IOTLBs, the checker. */
    synchronized void tracks(int cpus, java.util.List<String> devices, java.util.List<String> smmus) {
        if (!on()) {
            return;
        }
        file.name(CPUS, -1, "CPUs (the driver)");
        file.name(CPUS, 0, "no CPU: setup, host and guest maps, final drain");
        for (int c = 0; c < cpus; c++) {
            file.name(CPUS, c + 1, "cpu " + c);
        }
        file.name(DEVICES, -1, "devices");
        for (int i = 0; i < devices.size(); i++) {
            file.name(DEVICES, i + 1, devices.get(i));
        }
        file.name(SMMUS, -1, "SMMUs (command queue)");
        file.name(CACHES, -1, "caches (IOTLB)");
        for (String s : smmus) {
            file.name(SMMUS, smmuTrack(s), s);
            file.name(CACHES, smmuTrack(s), s + " IOTLB");
        }
        file.name(CHECKER, -1, "checker");
        file.name(CHECKER, 1, "violations");
    }

    /** {@code cpu}'s driver work (cpu -1: none). */
    void cpu(int cpu, String what, long start, long dur, String detail) {
        span(CPUS, cpu + 1, what, "driver", start, dur, detail);
    }

    void dma(int device, String what, long start, long dur, String detail) {
        span(DEVICES, device + 1, what, "dma", start, dur, detail);
    }

    void deviceInstant(int device, String what, long at, String detail) {
        instant(DEVICES, device + 1, what, "dma", at, false, detail);
    }

    void smmu(String smmu, String what, long start, long dur, String detail) {
        span(SMMUS, smmuTrack(smmu), what, "command queue", start, dur, detail);
    }

    void cache(String smmu, String what, long at, String detail) {
        instant(CACHES, smmuTrack(smmu), what, "iotlb", at, false, detail);
    }

    void violation(String rule, long at, String detail) {
        instant(CHECKER, 1, rule, "violation", at, true, detail);
    }

    /**
     * A violation the cache audit found (at a CMD_SYNC completion or an unmap, inside the step that started at
     * the latest settled time): recorded at that time, so the instants stay in order.
     */
    synchronized void auditViolation(String rule, String detail) {
        violation(rule, settledAt, detail);
    }

    /** Nothing recorded from now on is earlier than {@code t}. */
    synchronized void settle(long t) {
        if (on()) {
            settledAt = Math.max(settledAt, t);
            order.settle(t);
        }
    }

    private long settledAt;

    /** Writes what is held and closes the file. */
    synchronized void close() {
        if (!on() || closed) {
            return;
        }
        closed = true;
        order.settleAll();
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish the timeline", e);
        }
    }

    private synchronized void span(int pid, int tid, String name, String cat, long start, long dur, String detail) {
        if (on()) {
            order.add(start, f -> f.span(pid, tid, name, cat, start, Math.max(0, dur), detail));
        }
    }

    private synchronized void instant(int pid, int tid, String name, String cat, long at, boolean global,
            String detail) {
        if (on()) {
            order.add(at, f -> f.instant(pid, tid, name, cat, at, global, detail));
        }
    }

    /** smmu-N's track: N + 1. */
    private static int smmuTrack(String smmu) {
        return Integer.parseInt(smmu.substring(smmu.lastIndexOf('-') + 1)) + 1;
    }
}
