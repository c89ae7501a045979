package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.domain.UnmapSegment;
import org.iommusim.simulations.scenario.DriverDef;
import org.iommusim.simulations.scenario.FaultInjection;

/**
 * The modelled OS driver: maps and unmaps through the model and invalidates
 * as its strategy says (strict, batched, lazy with per-CPU flush queues), with
 * per-page, range or ASID-wide commands, a CMD_SYNC after each invalidation it
 * must wait for, and the injected faults (a dropped TLBI, a skipped sync). It
 * reports every map, unmap and release to the history the checker uses.
 */
final class Driver {
    /** Linux's CMDQ_BATCH_ENTRIES. */
    static final int BATCH = 64;

    /** The model serving each SMMU; a domain's is its SMMU's. */
    private Models models;
    private final DriverDef def;
    private final History history;
    private final Checker checker;
    private final Metrics metrics;
    private final Faults faults;
    private final long mapNs;
    private final List<List<MapRecord>> lazyQueues = new ArrayList<>();
    private final List<Long> lazyOldest = new ArrayList<>();
    private final List<Command> batched = new ArrayList<>();
    private final List<MapRecord> batchedRecords = new ArrayList<>();
    private Smmu batchedSmmu;
    /** Per CPU: unmap calls made so far, and entries in its flush queue (one per unmap call). */
    private final long[] unmapCalls;
    private final int[] lazyEntries;
    /** Held while a record's unmap and release are written: the checks of concurrent devices read them under it. */
    private final Object records;
    /** The checker's cache audit, told of every unmap, CMD_SYNC completion and release (null: none). */
    CacheAudit audit;
    private final RunObserver observer;
    /** The guest RAM attached to each SMMU for guests' own stage-1 tables, by SMMU id. */
    private final java.util.Map<String, GuestTables.Ram> guestRams = new java.util.HashMap<>();
    /** Where the driver's work is recorded (set by the simulation; nothing by default). */
    Timeline timeline = Timeline.NONE;
    /** The CPU the current call runs on, for the timeline (-1: none, as for host maps and the final drain). */
    private int onCpu = -1;

    Driver(Models models, DriverDef def, History history, Checker checker, Metrics metrics, Faults faults, long mapNs,
            Object records, RunObserver observer) {
        this.records = records;
        this.observer = observer;
        this.mapNs = mapNs;
        this.models = models;
        this.def = def;
        this.history = history;
        this.checker = checker;
        this.metrics = metrics;
        this.faults = faults;
        unmapCalls = new long[Math.max(1, def.cpus())];
        lazyEntries = new int[Math.max(1, def.cpus())];
        for (int i = 0; i < Math.max(1, def.cpus()); i++) {
            lazyQueues.add(new ArrayList<>());
            lazyOldest.add(Long.MAX_VALUE);
        }
    }

    /** After a crash the run continues on the restarted model. */
    void restarted(Models restarted) {
        this.models = restarted;
    }

    // ---- map / unmap ----------------------------------------------------------

    /**
     * Maps a scatter-gather list of {@code segments} segments of {@code segmentSize} bytes each, to
     * consecutive PAs, at one IOVA range allocated on {@code cpu} for the whole list, the segments laid
     * out contiguously in it (as {@code iommu_dma_map_sg} does): its unmap is one contiguous span.
     */
    synchronized List<MapRecord> map(DomainCtx d, long pa, long segmentSize, int segments, Prot prot, int sid,
            int cpu, Clock c) {
        onCpu = cpu % lazyQueues.size();
        IovaAllocator.Allocation a = d.iovas.allocate(segmentSize * segments, cpu, c.now());
        long[] iovas = new long[segments];
        for (int i = 0; i < segments; i++) {
            iovas[i] = a.iova() + i * segmentSize;
        }
        List<MapRecord> out = mapSegments(d, iovas, pa, segmentSize, prot, sid, c);
        for (MapRecord r : out) {
            r.allocation = a;
        }
        return out;
    }

    /** Maps segments at a chosen IOVA (a guest or host laying out memory), contiguously. */
    /**
     * The guest RAM the VMM attaches to {@code smmu} for its guests' own stage-1 tables: one per SMMU, attached
     * ({@code IommuSim.setGuestMemory}) on first use.
     */
    synchronized GuestTables.Ram guestRam(Smmu smmu) {
        return guestRams.computeIfAbsent(smmu.id(), k -> {
            GuestTables.Ram ram = new GuestTables.Ram();
            models.of(smmu).setGuestMemory(smmu, ram);
            return ram;
        });
    }

    /**
     * The guest behind nested stream {@code sid} points its CD at its own tables in guest memory (TTB0 {@code ttb0})
     * and loads it as a guest's driver does: CD write, CFGI_CD, CMD_SYNC.
     */
    synchronized void useGuestTables(DomainCtx s1, int sid, long ttb0, Clock c) {
        onCpu = -1;
        models.of(s1.smmu).writeCd(s1.smmu, sid, 0, Cd.of(s1.spec.asid(), s1.id).withGuestTables(ttb0));
        issue(s1.smmu, List.of(new CfgiCd(sid, 0, true)), true, c);
    }

    synchronized List<MapRecord> mapAt(DomainCtx d, long iova, long pa, long segmentSize, int segments, Prot prot,
            int sid, Clock c) {
        onCpu = -1;
        long[] iovas = new long[segments];
        for (int i = 0; i < segments; i++) {
            iovas[i] = iova + i * segmentSize;
        }
        return mapSegments(d, iovas, pa, segmentSize, prot, sid, c);
    }

    /** One map request of all the segments; each becomes a record of the history the checker uses. */
    private List<MapRecord> mapSegments(DomainCtx d, long[] iovas, long pa, long segmentSize, Prot prot, int sid,
            Clock c) {
        List<MapSegment> segs = new ArrayList<>(iovas.length);
        long violations = checker.violationCount();
        for (int i = 0; i < iovas.length; i++) {
            segs.add(new MapSegment(iovas[i], pa + i * segmentSize, segmentSize, prot));
            checker.mapped(history, d.id, iovas[i], segmentSize, c.now(), sid);
        }
        if (timeline.on() && checker.violationCount() > violations) {
            timeline.violation(checker.lastRule(), c.now(), d.id + " IOVA 0x" + Long.toHexString(iovas[0]));
        }
        long seq = models.of(d.smmu).map(d.id, new MapBatch(segs));
        long start = c.now();
        c.advance(metricsMapCost());
        if (timeline.on()) { // the detail is text made for the timeline only
            timeline.cpu(onCpu, "map", start, c.now() - start, d.id + " IOVA 0x" + Long.toHexString(iovas[0]) + ", "
                    + iovas.length + " x " + segmentSize + " bytes");
        }
        List<MapRecord> out = new ArrayList<>(iovas.length);
        for (int i = 0; i < iovas.length; i++) {
            MapRecord r = new MapRecord(d.id, iovas[i], segmentSize, pa + i * segmentSize, prot, c.now(), seq);
            history.add(r);
            out.add(r);
        }
        return out;
    }

    private long metricsMapCost() {
        return mapNs;
    }

    /**
     * Unmaps the records' ranges (one request, one unmap call of {@code owner}'s driver on {@code cpu})
     * and invalidates per the strategy; an untrusted device's unmaps are always strict, as Linux gives
     * untrusted devices a strict domain whatever the default.
     */
    synchronized void unmap(DomainCtx d, List<MapRecord> records, int cpu, Device owner, Clock c) {
        long calledAt = c.now();
        long bytes = 0;
        for (MapRecord r : records) {
            bytes += r.size;
        }
        try {
            unmapAndInvalidate(d, records, cpu, owner, c);
        } finally {
            metrics.unmap(Math.max(1, bytes / d.spec.granule().pageSize()), c.now() - calledAt);
        }
    }

    private void unmapAndInvalidate(DomainCtx d, List<MapRecord> records, int cpu, Device owner, Clock c) {
        List<UnmapSegment> segs = new ArrayList<>(records.size());
        for (MapRecord r : records) {
            segs.add(new UnmapSegment(r.iova, r.size));
        }
        long seq = models.of(d.smmu).unmap(d.id, new UnmapBatch(segs));
        int q = cpu % lazyQueues.size();
        onCpu = q;
        long start = c.now();
        c.advance(metricsMapCost());
        if (timeline.on()) {
            timeline.cpu(q, "unmap", start, c.now() - start, d.id + " IOVA 0x"
                    + Long.toHexString(records.get(0).iova) + ", " + records.size() + " range(s)");
        }
        long ordinal = ++unmapCalls[q];
        synchronized (this.records) {
            for (MapRecord r : records) {
                r.unmapAt = c.now();
                r.unmapSeq = seq;
                r.unmapCpu = q;
                r.unmapOrdinal = ordinal;
                history.unmapped(r);
            }
        }
        if (owner != null) {
            owner.unmapCalls++;
        }
        if (audit != null) {
            audit.unmapped(records, owner, c.now());
        }
        DriverDef.Strategy strategy = owner != null && owner.untrusted ? DriverDef.Strategy.STRICT : def.strategy();
        switch (strategy) {
            case STRICT -> {
                // one iotlb_sync per gathered span: its range commands, then a CMD_SYNC
                List<List<Command>> perSync = new ArrayList<>();
                for (LinuxTlbi.Span span : LinuxTlbi.gather(records)) {
                    perSync.add(LinuxTlbi.span(d.target(), span, d.spec.granule(), d.smmu.capabilities().ril(), def,
                            mode(d)));
                }
                invalidateAndRelease(d.smmu, perSync, records, owner, c);
            }
            case BATCHED -> {
                for (LinuxTlbi.Span span : LinuxTlbi.gather(records)) {
                    batched.addAll(LinuxTlbi.span(d.target(), span, d.spec.granule(), d.smmu.capabilities().ril(),
                            def, mode(d)));
                }
                batchedRecords.addAll(records);
                batchedSmmu = d.smmu;
                if (batched.size() >= def.batchCommands()) {
                    flushBatched(owner, c);
                }
            }
            case LAZY -> {
                // one flush-queue entry per unmap call (one IOVA range), whatever its size
                if (lazyQueues.get(q).isEmpty()) {
                    lazyOldest.set(q, c.now());
                }
                lazyQueues.get(q).addAll(records);
                lazyEntries[q]++;
                if (lazyEntries[q] >= def.flushQueue()) {
                    flushLazy(q, owner, c);
                }
            }
        }
    }

    /** The host changes a stage-2 mapping under a nested guest, invalidating as configured; returns the new record. */
    synchronized MapRecord remapStage2(DomainCtx s2, MapRecord old, long newPa, int sid, Clock c) {
        long seq = models.of(s2.smmu).unmap(s2.id, UnmapBatch.single(old.iova, old.size));
        onCpu = -1;
        long start = c.now();
        c.advance(metricsMapCost());
        if (timeline.on()) {
            timeline.cpu(-1, "unmap", start, c.now() - start, s2.id + " IPA 0x" + Long.toHexString(old.iova));
        }
        synchronized (records) {
            old.unmapAt = c.now();
            old.unmapSeq = seq;
            history.unmapped(old);
        }
        if (audit != null) {
            audit.unmapped(List.of(old), null, c.now());
        }
        List<Command> cmds = new ArrayList<>();
        cmds.add(TlbiS2Ipa.of(s2.vmid, old.iova, true));
        if (def.stage2Invalidation() == DriverDef.Stage2Invalidation.S12_VMALL) {
            cmds.add(new TlbiS12Vmall(s2.vmid));
        }
        invalidateAndRelease(s2.smmu, List.of(cmds), List.of(old), null, c);
        return mapAt(s2, old.iova, newPa, old.size, 1, old.prot, sid, c).get(0);
    }

    // ---- invalidation -----------------------------------------------------------

    private DriverDef.Invalidation mode(DomainCtx d) {
        return d.invalidation != null ? d.invalidation : def.invalidation();
    }

    private static List<Command> dedupe(List<Command> cmds) {
        Set<Command> s = new LinkedHashSet<>(cmds);
        return new ArrayList<>(s);
    }

    private static String describe(List<Command> tlbis) {
        if (tlbis.isEmpty()) {
            return "no TLBI";
        }
        String first = tlbis.get(0).opcode().name();
        return tlbis.size() == 1 ? first : tlbis.size() + " TLBIs (" + first + "...)";
    }

    private void flushBatched(Device owner, Clock c) {
        if (batchedRecords.isEmpty()) {
            return;
        }
        List<MapRecord> recs = new ArrayList<>(batchedRecords);
        List<Command> cmds = dedupe(batched);
        batched.clear();
        batchedRecords.clear();
        invalidateAndRelease(batchedSmmu, List.of(cmds), recs, owner, c);
    }

    private void flushLazy(int cpu, Device owner, Clock c) {
        List<MapRecord> q = lazyQueues.get(cpu);
        if (q.isEmpty()) {
            return;
        }
        List<MapRecord> recs = new ArrayList<>(q);
        q.clear();
        lazyEntries[cpu] = 0;
        lazyOldest.set(cpu, Long.MAX_VALUE);
        // one whole-domain invalidation per domain in the queue (flush_iotlb_all), then one sync
        Set<Command> cmds = new LinkedHashSet<>();
        for (MapRecord r : recs) {
            cmds.add(ctxOf.apply(r).target().wholeContext());
        }
        invalidateAndRelease(ctxOf.apply(recs.get(0)).smmu, List.of(new ArrayList<>(cmds)), recs, owner, c);
    }

    /**
     * Sends each command list (unless an injected fault drops the TLBIs) in
     * batches of {@link #BATCH} (Linux's {@code arm_smmu_cmdq_batch}: a full
     * batch goes out without a sync, the last one with its CMD_SYNC), waiting
     * for each list's sync (unless the sync is skipped); then releases the
     * records: their IOVAs may be reused, and from the last sync on no
     * translation may return them. A skipped sync releases the IOVAs without
     * a completed flush, which the checker reports when one is reused. The
     * commands and syncs are counted to {@code owner}, the device whose unmap
     * caused them (none for a timer flush).
     */
    private void invalidateAndRelease(Smmu smmu, List<List<Command>> perSync, List<MapRecord> recs, Device owner,
            Clock c) {
        boolean drop = faults.next(FaultInjection.Kind.DROP_TLBI);
        boolean skipSync = faults.next(FaultInjection.Kind.SKIP_SYNC);
        long syncIndex = -1;
        for (List<Command> cmds : perSync) {
            List<Command> send = drop ? List.of() : cmds;
            syncIndex = issue(smmu, send, !skipSync, c);
            if (owner != null) {
                owner.tlbis += send.size();
                owner.syncs += skipSync ? 0 : 1;
            }
        }
        List<Command> all = new ArrayList<>();
        perSync.forEach(all::addAll);
        String how = (drop ? "TLBI dropped" : describe(all)) + (skipSync ? ", CMD_SYNC skipped"
                : ", CMD_SYNC at " + smmu.id() + " queue entry " + syncIndex);
        if (drop || skipSync) {
            MapRecord first = recs.get(0);
            String what = "the invalidation of IOVA 0x" + Long.toHexString(first.iova) + " of " + first.domain
                    + (recs.size() > 1 ? " and " + (recs.size() - 1) + " more mappings" : "") + " (unmapped by "
                    + first.domain.persistenceId() + " #" + first.unmapSeq + " at t=" + first.unmapAt + "ns)";
            if (drop) {
                faults.hit(FaultInjection.Kind.DROP_TLBI, "its TLBIs (" + describe(all) + ") left out of " + what);
            }
            if (skipSync) {
                faults.hit(FaultInjection.Kind.SKIP_SYNC, "the CMD_SYNC after " + what + " not waited for");
            }
        }

        synchronized (records) {
            for (MapRecord r : recs) {
                r.tlbiDropped = drop;
                r.releasedBy = how;
                if (!skipSync) {
                    r.releasedAt = c.now();
                }
            }
        }
        if (audit != null && !skipSync) {
            audit.synced(recs, how, c.now());
        }
        if (audit != null) {
            audit.released(recs, how, c.now());
        }
        Set<IovaAllocator.Allocation> freed = new LinkedHashSet<>();
        for (MapRecord r : recs) {
            if (r.allocation != null && freed.add(r.allocation)) {
                ctxOf.apply(r).iovas.release(r.allocation, r.unmapCpu, c.now());
            }
        }
    }

    /**
     * Issues one command list in batches, the last followed by a CMD_SYNC if
     * {@code sync}; returns its index. Each batch goes through the SMMU's
     * shared command queue in the timing model: a batch without a sync holds
     * the CPU until it is inserted, the one with the sync until it completes.
     */
    private long issue(Smmu smmu, List<Command> send, boolean sync, Clock c) {
        long syncIndex = -1;
        for (int from = 0; from < send.size() || (from == 0 && sync); from += BATCH) {
            List<Command> chunk = send.subList(from, Math.min(send.size(), from + BATCH));
            boolean last = from + BATCH >= send.size();
            if (last && sync) {
                List<Command> withSync = new ArrayList<>(chunk.size() + 1);
                withSync.addAll(chunk);
                withSync.add(CmdSync.poll());
                syncIndex = models.of(smmu).submitAndWait(smmu, withSync) - 1;
                long start = c.now();
                c.advance(metrics.submit(smmu.id(), start, withSync));
                if (!chunk.isEmpty()) {
                    traceConsumed(smmu, chunk, start, c.now() - start);
                }
                if (timeline.on()) {
                    timeline.cpu(onCpu, "sync wait", start, c.now() - start, smmu.id() + " CMD_SYNC at " + syncIndex);
                    timeline.smmu(smmu.id(), "CMD_SYNC", start, c.now() - start, "queue entry " + syncIndex);
                }
            } else {
                models.of(smmu).submit(smmu, chunk);
                long start = c.now();
                c.advance(metrics.submit(smmu.id(), start, chunk));
                traceConsumed(smmu, chunk, start, c.now() - start);
            }
        }
        return syncIndex;
    }

    /** On the timeline: {@code chunk}, submitted at {@code start}, held its CPU for {@code ns} in the timing model. */
    private void traceConsumed(Smmu smmu, List<Command> chunk, long start, long ns) {
        if (timeline.on()) {
            String what = describe(chunk);
            timeline.cpu(onCpu, "submit", start, ns, smmu.id() + ": " + what);
            timeline.smmu(smmu.id(), "consume " + chunk.size() + (chunk.size() == 1 ? " command" : " commands"),
                    start, ns, what);
            timeline.cache(smmu.id(), "invalidate", start + ns, what);
        }
    }

    /** Finds a record's domain context (set by the simulation). */
    java.util.function.Function<MapRecord, DomainCtx> ctxOf;

    /**
     * The lazy flush timer (Linux's flush-queue timeout): flushes every CPU
     * queue whose oldest entry has waited the timeout. Deterministic runs
     * call it at exactly {@link #nextTimer()}, with the model's clock moved
     * there first; concurrent runs poll it from a thread in real time.
     */
    synchronized void timer(Clock c) {
        for (int cpu = 0; cpu < lazyQueues.size(); cpu++) {
            if (!lazyQueues.get(cpu).isEmpty() && c.now() - lazyOldest.get(cpu) >= def.flushTimeoutNs()) {
                observer.lazyTimer(cpu, lazyOldest.get(cpu), c.now());
                onCpu = cpu;
                flushLazy(cpu, null, c);
            }
        }
    }

    /** Unmap calls made so far on {@code cpu}'s queue (see {@link MapRecord#unmapOrdinal}). */
    synchronized long unmapCalls(int cpu) {
        return unmapCalls[cpu % unmapCalls.length];
    }

    /** When the next lazy timer is due (Long.MAX_VALUE if nothing waits). */
    synchronized long nextTimer() {
        long next = Long.MAX_VALUE;
        for (long o : lazyOldest) {
            if (o != Long.MAX_VALUE) {
                next = Math.min(next, o + def.flushTimeoutNs());
            }
        }
        return next;
    }

    /** At the end of a run: everything pending is flushed. */
    synchronized void drain(Clock c) {
        onCpu = -1;
        flushBatched(null, c);
        for (int cpu = 0; cpu < lazyQueues.size(); cpu++) {
            flushLazy(cpu, null, c);
        }
    }
}
