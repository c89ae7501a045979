package org.iommusim.simulations.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.api.SmmuStatistics;
import org.iommusim.actors.api.StreamStatistics;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainStage;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.simulations.replay.JournalExport;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.report.TimingReport;
import org.iommusim.simulations.scenario.DeviceDef;
import org.iommusim.simulations.scenario.DomainDef;
import org.iommusim.simulations.scenario.FaultInjection;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.SmmuDef;
import org.iommusim.simulations.scenario.StreamDef;
import org.iommusim.simulations.scenario.Workload;

/**
 * Runs a scenario through the real model on a fresh LevelDB journal under
 * {@code outDir/journal}, validates every translation with the checker, and
 * returns the report. The run folder is held ({@link RunFolder}) for the
 * run; an earlier run there is never deleted by this class.
 *
 * <p>Deterministic mode (default, {@link RunMode.Deterministic}): a seeded
 * scheduler picks, in virtual time, which agent acts next, and the model runs
 * on the scheduler's thread ({@code ModelOptions.deterministic}): every
 * operation is carried through the real actors to completion before the
 * next, with no thread hand-off. The model's virtual clock follows the
 * scheduler's: before each step, and before the driver's lazy flush timer
 * fires, the model is moved to that time, so its own timers (the IOTLB
 * write-behind, snapshots) fire in the same virtual time. The same scenario
 * and seed (and interleaving seed) give the same event stream (the digest)
 * and the same report on any host. Concurrent mode: every device runs on its
 * own thread against the threaded model, sending its DMA as asynchronous
 * bursts, in real time; the checker still validates every result.
 */
public final class Simulation {
    /** Translation workers per SMMU in simulations: fixed, so a run does not depend on the machine's cores. */
    public static final int WORKERS = 2;

    private final Scenario sc;
    private final Path journalDir;
    private final RunMode mode;
    private final RunObserver observer;
    private final History history = new History();
    private final Checker checker;
    private final Metrics metrics;
    private final Faults faults;
    private final Map<Integer, Smmu> smmus = new HashMap<>();
    // each SMMU's stream table as Linux set it up (its level-2 arrays outlive a model restart)
    private final Map<Integer, LinuxStreamTable> streamTables = new HashMap<>();
    private final Map<DomainId, DomainCtx> domains = new HashMap<>();
    private final List<Device> devices = new ArrayList<>();
    /** The model serving each SMMU (one for all in a single-node run); replaced when an injected crash restarts it. */
    private Models models;
    /** How the run's models start: {@link Models#LOCAL}, or a cluster's partitions. */
    private final Models.Start modelStart;
    /**
     * Concurrent mode: operations each device does, by name, instead of the
     * scenario's shared budget (whose split between device threads is a race);
     * null: the budget. A comparison of two threaded runs fixes it.
     */
    Map<String, Long> quotas;
    private Driver driver;
    /** Held by each translation's check and by the driver while it writes a record's unmap or release. */
    private final Object lock = new Object();
    private final DeviceContext ctx;
    /** What {@code --timeline} writes; {@link Timeline#NONE} without it. */
    private Timeline timeline = Timeline.NONE;
    /** The timing model on (docs/TIMING.md); off only for the benchmark that measures its cost. */
    private final boolean timed;

    /** Deterministic mode: each DMA is translated (blocking, on this thread) and checked before the next. */
    private final class BlockingDma extends DeviceContext {
        @Override
        Driver driver() {
            return driver;
        }

        @Override
        void dma(Device d, long iova, Access access, Clock c) {
            long t = c.now();
            TranslationRequest r = TranslationRequest.of(d.sid, iova, access);
            Smmu smmu = smmus.get(smmuOf(d));
            TranslationWorker.Traced traced = ModelInternals.translateCounted(models.of(smmu), smmu, r);
            synchronized (lock) {
                c.advance(metrics.translation(d.name, smmu.id(), t, traced));
                if (timeline.on()) {
                    String what = traced.result() instanceof Translated ? traced.path().name() : "FAULT";
                    timeline.dma(d.order, "DMA " + what, t, c.now() - t, access + " IOVA 0x" + Long.toHexString(iova));
                    if (traced.path() == org.iommusim.persistence.translate.Outcome.Path.MISS) {
                        timeline.cache(smmu.id(), "fill", c.now(), d.name + " IOVA 0x"
                                + Long.toHexString(iova));
                        if (traced.evictions() > 0) {
                            timeline.cache(smmu.id(), "evict", c.now(), d.name + " IOVA 0x"
                                    + Long.toHexString(iova) + ": " + traced.evictions() + " entry evicted by the fill");
                        }
                    }
                }
                switch (traced.path()) {
                    case HIT -> d.hits++;
                    case MISS -> d.misses++;
                    default -> { }
                }
                if (traced.path() != org.iommusim.persistence.translate.Outcome.Path.CONFIG) {
                    d.translatedPage(iova, traced.path() == org.iommusim.persistence.translate.Outcome.Path.MISS);
                }
                check(d, t, iova, access, traced.result());
            }
        }

        @Override
        void afterDma(Device d, Runnable release) {
            release.run();
        }

        @Override
        void await(Device d, BooleanSupplier ready) {
            if (!ready.getAsBoolean()) {
                throw new IllegalStateException(d.name + " waits for DMA, but every DMA is answered at once here");
            }
        }
    }

    /** Concurrent mode: each device's DMA goes through its {@link DmaPipe}, answered and checked later. */
    private final class PipedDma extends DeviceContext {
        @Override
        Driver driver() {
            return driver;
        }

        @Override
        void dma(Device d, long iova, Access access, Clock c) {
            d.pipe.dma(iova, access);
        }

        @Override
        void afterDma(Device d, Runnable release) {
            d.pipe.afterDma(release);
        }

        @Override
        void await(Device d, BooleanSupplier ready) {
            d.pipe.await(ready);
        }
    }

    /** One answered burst of {@code d}'s, each request checked as issued at {@code sentAt}. */
    private void checkBurst(Device d, long sentAt, TranslationBurst b) {
        synchronized (lock) {
            for (int i = 0; i < b.size(); i++) {
                check(d, sentAt, b.iova(i), b.access(i), b.result(i));
            }
        }
    }

    /** Checks one answer to {@code d}'s DMA issued at {@code t}; the caller holds {@link #lock}. */
    private void check(Device d, long t, long iova, Access access, TranslationResult result) {
        if (result instanceof Translated tr) {
            long violations = checker.violationCount();
            if (d.resolution != null && checker.translation(d.name, d.sid, t, iova, access, false, tr, d.resolution)) {
                d.staleUses++;
                d.lastStale = checker.lastStale();
                metrics.exposure(d.name, t, t - d.lastStale.unmapAt);
                timeline.deviceInstant(d.order, "stale use", t, "IOVA 0x" + Long.toHexString(iova) + ", "
                        + (t - d.lastStale.unmapAt) + " ns after its unmap");
            }
            if (timeline.on() && checker.violationCount() > violations) {
                timeline.violation(checker.lastRule(), t, d.name + " IOVA 0x" + Long.toHexString(iova));
            }
        } else {
            d.faults++;
        }
    }

    /**
     * The cache audit. A deterministic run reads the caches between
     * operations; a threaded one (--concurrent, --cluster) reads them under
     * the driver's lock while devices go on translating, which cannot hide a
     * stale entry: an unmapped range is not walked again, and its IOVAs are
     * not reused before the audit of their CMD_SYNC.
     */
    private CacheAudit audit;

    private int smmuOf(Device d) {
        return d.smmu;
    }

    private Simulation(Scenario sc, RunFolder folder, RunMode mode, RunObserver observer) {
        this(sc, folder, mode, observer, true, Models.LOCAL);
    }

    private Simulation(Scenario sc, RunFolder folder, RunMode mode, RunObserver observer, boolean timed,
            Models.Start modelStart) {
        this.timed = timed;
        this.modelStart = java.util.Objects.requireNonNull(modelStart, "modelStart");
        this.sc = sc;
        this.journalDir = folder.journalDir();
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.observer = observer;
        this.checker = new Checker(journalDir.toString());
        long span = sc.length().virtualNanos() > 0 ? sc.length().virtualNanos() : 50_000_000L;
        this.metrics = new Metrics(sc.costs(), span / 200, sc.driver().cpus(), timed);
        this.faults = new Faults(sc.faults());
        this.ctx = concurrent() ? new PipedDma() : new BlockingDma();
    }

    private boolean concurrent() {
        return mode instanceof RunMode.Concurrent;
    }

    /**
     * Runs in {@code outDir}, which must be new, empty, or free of an earlier run.
     *
     * @param concurrent {@link RunMode#CONCURRENT} if true, else {@link RunMode#DETERMINISTIC}
     * @param progress told the fraction done (0..1000 per mille) as the run goes on
     * @throws RunFolderException when {@code outDir} cannot hold the run (see {@link RunFolder#claim})
     */
    public static SimulationReport run(Scenario sc, Path outDir, boolean concurrent, LongConsumer progress)
            throws IOException {
        try (RunFolder folder = RunFolder.claim(outDir, false)) {
            return run(sc, folder, concurrent, progress);
        }
    }

    /**
     * Runs in a folder the caller holds (and may keep holding to write the reports).
     *
     * @param concurrent {@link RunMode#CONCURRENT} if true, else {@link RunMode#DETERMINISTIC}
     * @param progress told the fraction done (0..1000 per mille) as the run goes on
     */
    public static SimulationReport run(Scenario sc, RunFolder folder, boolean concurrent, LongConsumer progress)
            throws IOException {
        return run(sc, folder, concurrent ? RunMode.CONCURRENT : RunMode.DETERMINISTIC, progress);
    }

    /**
     * Runs in a folder the caller holds, in {@code mode}.
     *
     * @param progress told the fraction done (0..1000 per mille) as the run goes on
     */
    public static SimulationReport run(Scenario sc, RunFolder folder, RunMode mode, LongConsumer progress)
            throws IOException {
        return run(sc, folder, mode, progress, RunObserver.NONE);
    }

    /**
     * Deterministic, with the timing model off (every step at its fixed cost,
     * no slots or queues): for the benchmark's {@code timingOverheadRatio}
     * only; its report carries no timing figures.
     */
    public static SimulationReport runUntimed(Scenario sc, Path outDir, LongConsumer progress) throws IOException {
        try (RunFolder folder = RunFolder.claim(outDir, false)) {
            return new Simulation(sc, folder, RunMode.DETERMINISTIC, RunObserver.NONE, false, Models.LOCAL).execute(progress);
        }
    }

    /**
     * A concurrent run whose SMMUs are served by the models {@code models}
     * starts (a cluster's partitions, one model per SMMU) instead of one
     * model on the run folder's LevelDB journal; they must leave the run's
     * events in {@link RunFolder#journalDir} when closed. The caller refuses
     * what such models cannot serve (an injected crash restarts one model).
     *
     * @param progress told the fraction done (0..1000 per mille) as the run goes on
     */
    public static SimulationReport run(Scenario sc, RunFolder folder, Models.Start models, LongConsumer progress)
            throws IOException {
        return run(sc, folder, progress, RunObserver.NONE, models, null);
    }

    /**
     * A concurrent run on {@code models}, shown to {@code observer}, each
     * device doing the operations {@code quotas} gives it (null: the
     * scenario's shared budget).
     */
    static SimulationReport run(Scenario sc, RunFolder folder, LongConsumer progress, RunObserver observer,
            Models.Start models, Map<String, Long> quotas) throws IOException {
        Simulation s = new Simulation(sc, folder, RunMode.CONCURRENT, observer, true, models);
        s.quotas = quotas;
        return s.execute(progress);
    }

    /** As {@link #run(Scenario, RunFolder, RunMode, LongConsumer)}, showing the run to {@code observer}. */
    static SimulationReport run(Scenario sc, RunFolder folder, RunMode mode, LongConsumer progress,
            RunObserver observer) throws IOException {
        return new Simulation(sc, folder, mode, observer).execute(progress);
    }

    /**
     * As {@link #run(Scenario, RunFolder, RunMode, LongConsumer)}, also writing the run's timeline to
     * {@code timeline} in the Chrome trace event format (docs/REPORTS.md); deterministic modes only, as a
     * timeline is in virtual time.
     *
     * @throws IllegalArgumentException in concurrent mode
     */
    public static SimulationReport run(Scenario sc, RunFolder folder, RunMode mode, LongConsumer progress,
            Path timeline) throws IOException {
        if (mode instanceof RunMode.Concurrent) {
            throw new IllegalArgumentException("a timeline is in virtual time: --timeline needs a deterministic run,"
                    + " not --concurrent");
        }
        Simulation s = new Simulation(sc, folder, mode, RunObserver.NONE);
        Map<String, String> about = new java.util.LinkedHashMap<>();
        about.put("scenario", sc.name());
        about.put("seed", Long.toString(sc.seed()));
        about.put("mode", mode.label());
        about.put("time", "virtual nanoseconds from the run's start");
        s.timeline = new Timeline(org.iommusim.simulations.report.TraceEventFile.create(timeline, about));
        try {
            return s.execute(progress);
        } finally {
            s.timeline.close();
        }
    }

    private SimulationReport execute(LongConsumer progress) throws IOException {
        long wallStart = System.nanoTime(); // for the report's wallSeconds and concurrent mode's real time only
        start();
        long ops;
        long end;
        SimulationReport.Iotlb iotlb;
        try {
            Clock setup = concurrent() ? Clock.real(wallStart) : Clock.virtual(0);
            configure(setup);
            audit = newAudit();
            checker.audit(audit);
            driver.audit = audit;
            if (concurrent()) {
                ops = runConcurrent(wallStart, progress);
                Clock last = Clock.real(wallStart);
                driver.drain(last);
                end = last.now();
                audit.finish(end);
                iotlb = countedByTheModel();
            } else {
                long[] result = runDeterministic(setup.now(), progress);
                ops = result[0];
                modelAt(result[1]);
                Clock last = Clock.virtual(result[1]);
                driver.drain(last);
                end = last.now();
                audit.finish(end);
                iotlb = metrics.iotlb();
            }
            iotlb = iotlb.withTbus(tbuFigures()).withTcu(tcuFigures());
            observer.finished(models, smmus);
        } finally {
            models.close();
        }
        timeline.close();
        String digest;
        try (JournalReader reader = JournalReader.open(journalDir)) {
            digest = JournalExport.digest(reader);
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        String label = modelStart.label().isEmpty() ? mode.label() : mode.label() + ", " + modelStart.label();
        SimulationReport report = new SimulationReport(sc.name(), sc.file(), sc.question(), sc.seed(), label,
                digest, checker.result().with(checker.staleUses(), checker.staleUsesAfterSync(), faults.report(),
                        audit.readings()), iotlb, metrics.latency(),
                Metrics.staleWindows(checker.exposureWindows()).with(audit.maxUnmapsBehind(),
                        checker.staleUses()),
                metrics.commandSummary(end), metrics.hitRate(), metrics.occupancy(), journalDir.toString(),
                new SimulationReport.Run(ops, end, wall), deviceSummaries())
                .withDeviceSeries(devices.stream().map(d -> metrics.deviceSeries(d.name)).toList());
        if (!concurrent() && timed) {
            report = report.withTiming(offered(metrics.timing(end), end)); // virtual time: not in concurrent runs
        }
        return sc.expect() == null ? report : report.withAnswer(Judge.judge(sc.expect(), report));
    }

    /**
     * Concurrent mode: bursts carry no hit/miss path per request, so the
     * IOTLB figures (in all, and per device by its stream) are the model's
     * own counters.
     */
    private SimulationReport.Iotlb countedByTheModel() {
        long hits = 0;
        long misses = 0;
        for (Map.Entry<Integer, Smmu> e : smmus.entrySet()) {
            SmmuStatistics st = models.of(e.getValue()).statistics(e.getValue());
            hits += st.hits();
            misses += st.misses();
            for (Device d : devices) {
                StreamStatistics s = smmuOf(d) == e.getKey() ? st.streams().get(d.sid) : null;
                if (s != null) {
                    d.hits = s.hits();
                    d.misses = s.misses();
                }
            }
        }
        long n = hits + misses;
        return new SimulationReport.Iotlb(hits, misses, n == 0 ? 0 : (double) hits / n);
    }

    /** The timing's DMA rates with each device's operations done and offered per virtual second. */
    private TimingReport offered(TimingReport t, long end) {
        List<TimingReport.DmaRate> rates = new ArrayList<>();
        for (Device d : devices) {
            TimingReport.DmaRate r = t.dma().stream().filter(x -> x.device().equals(d.name)).findFirst()
                    .orElse(new TimingReport.DmaRate(d.name, 0, 0, 0, 0));
            double offered = d.intervalNs > 0 ? 1e9 * d.weight / d.intervalNs : 0;
            rates.add(new TimingReport.DmaRate(d.name, r.translations(), r.perSecond(), end == 0 ? 0
                    : d.operations * 1e9 / end, offered));
        }
        return t.withDma(rates);
    }

    /** Each SMMU's TBUs as the model counts them now. */
    private List<SimulationReport.Tbu> tbuFigures() {
        List<SimulationReport.Tbu> out = new ArrayList<>();
        for (Map.Entry<Integer, Smmu> e : new java.util.TreeMap<>(smmus).entrySet()) {
            for (org.iommusim.actors.api.TbuStatistics t : models.of(e.getValue()).statistics(e.getValue()).tbus()) {
                out.add(new SimulationReport.Tbu(e.getValue().id(), t.tbu(), tlb(t.tlb()),
                        t.micro().map(Simulation::tlb).orElse(null)));
            }
        }
        return out;
    }

    /** Each SMMU's TCU caches as the model counts them now. */
    private List<SimulationReport.TcuCache> tcuFigures() {
        List<SimulationReport.TcuCache> out = new ArrayList<>();
        for (Map.Entry<Integer, Smmu> e : new java.util.TreeMap<>(smmus).entrySet()) {
            for (org.iommusim.actors.api.TcuCacheStatistics c : models.of(e.getValue()).statistics(e.getValue()).tcu()) {
                out.add(new SimulationReport.TcuCache(e.getValue().id(), c.cache(), c.capacity(), c.size(), c.lookups(),
                        c.hits(), c.misses(), c.fills(), c.evictions(), c.invalidations(), c.freedTableReads()));
            }
        }
        return out;
    }

    private static SimulationReport.Tlb tlb(org.iommusim.actors.api.TlbStatistics t) {
        return new SimulationReport.Tlb(t.capacity(), t.ways(),
                t.policy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), t.lookups(), t.hits(), t.misses(),
                t.fills(), t.evictions(), t.flushes(), t.invalidations(), t.entriesRemoved());
    }

    private List<SimulationReport.Device> deviceSummaries() {
        List<SimulationReport.Device> out = new ArrayList<>();
        for (Device d : devices) {
            out.add(new SimulationReport.Device(d.name, d.sid, d.workload, d.hits, d.misses, d.staleUses, d.faults,
                    d.operations, d.untrusted, d.unmapCalls, d.tlbis, d.syncs, d.refills, d.strays,
                    d.maxExposureNs, d.maxUnmapsBehind, d.exposed, d.maxStaleUseNs,
                    d.maxStaleUseUnmapsBehind, checker.violationsOn(d.sid)));
        }
        return out;
    }

    private void start() {
        ModelOptions base = ModelOptions.at(journalDir).withFsync(false);
        ModelOptions options = mode instanceof RunMode.Deterministic d
                ? (d.interleavingSeed().isPresent() ? base.deterministic(d.interleavingSeed().getAsLong())
                        : base.deterministic()).withWorkers(WORKERS)
                : base.withWorkers(WORKERS);
        models = modelStart.start(options);
        smmus.clear();
        try {
            for (SmmuDef s : sc.smmus()) {
                smmus.put(s.id(), models.add(s.id(), s.caps()));
                if (driver == null) { // the first start: the driver probes; a restarted model has it in its journal
                    LinuxStreamTable t = new LinuxStreamTable(s.caps());
                    t.probe(models.of(smmus.get(s.id())), smmus.get(s.id()));
                    streamTables.put(s.id(), t);
                }
            }
        } catch (RuntimeException e) {
            // not yet under execute's close: a cluster's nodes would outlive the failed run
            try {
                models.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        for (DomainCtx d : domains.values()) {
            d.smmu = smmus.get(smmuIndex(d.smmu));
        }
        if (driver != null) {
            driver.restarted(models);
        }
        models.forEach(observer::modelStarted);
    }

    /**
     * Deterministic mode: moves the model's virtual clock to the scheduler's
     * time {@code t}, firing the model's timers due by then, each at its own
     * time. The scheduler's times only grow, so the model follows exactly
     * (it would stay ahead only if a call had to wait for a timer of its own).
     */
    private void modelAt(long t) {
        metrics.settle(t);
        timeline.settle(t);
        IommuSim sim = models.single();
        if (t > sim.virtualNanos()) {
            sim.advanceTo(t);
        }
    }

    private static int smmuIndex(Smmu s) {
        return Integer.parseInt(s.id().substring("smmu-".length()));
    }

    /** Allocates domains (parents first), attaches streams the Linux way, sets up devices. */
    private void configure(Clock c) {
        List<DomainDef> ordered = new ArrayList<>(sc.domains());
        ordered.sort(Comparator.comparingInt((DomainDef d) -> d.spec().stage() == DomainStage.STAGE2 ? 0
                : d.spec().stage() == DomainStage.STAGE1 ? 1 : 2).thenComparing(DomainDef::id));
        for (DomainDef d : ordered) {
            Smmu smmu = smmus.get(d.smmu());
            int vmid = switch (d.spec().stage()) {
                case STAGE2 -> d.spec().vmid();
                case NESTED -> domains.get(d.spec().parent()).vmid;
                case STAGE1 -> 0;
            };
            models.of(smmu).allocateDomain(d.id(), d.spec(), smmu);
            DomainCtx ctx = new DomainCtx(d.id(), d.spec(), smmu, vmid);
            ctx.invalidation = d.invalidation() != null ? d.invalidation() : sc.driver().invalidation();
            domains.put(d.id(), ctx);
        }
        driver = new Driver(models, sc.driver(), history, checker, metrics, faults, sc.costs().mapNs(), lock, observer);
        driver.ctxOf = r -> domains.get(r.domain);
        driver.timeline = timeline;
        if (timeline.on()) {
            checker.onAudited((rule, sid, iova) -> timeline.auditViolation(rule, "sid 0x" + Integer.toHexString(sid)
                    + " IOVA 0x" + Long.toHexString(iova)));
        }
        timeline.tracks(Math.max(1, sc.driver().cpus()), sc.devices().stream().map(DeviceDef::name).toList(),
                new java.util.TreeMap<>(smmus).values().stream().map(Smmu::id).toList());
        Map<String, StreamDef> streams = new HashMap<>();
        for (StreamDef s : sc.streams()) {
            attach(s, c);
            streams.put(s.smmu() + "/" + s.sid(), s);
        }
        int order = 0;
        for (DeviceDef dev : sc.devices()) {
            StreamDef s = streams.get(dev.smmu() + "/" + dev.sid());
            Device d = device(dev, s, order, 0x1_0000_0000L * (order + 1));
            d.intervalNs = dev.intervalNs();
            d.weight = dev.weight();
            d.untrusted = dev.untrusted();
            DeviceDef.Stray stray = dev.stray();
            d.stray(stray.probability(), stray.reachUnmaps() > 0 ? stray.reachUnmaps() : sc.driver().flushQueue(),
                    stray.reachNs());
            d.smmu = dev.smmu();
            d.setup(ctx, c);
            devices.add(d);
            order++;
        }
    }

    private void attach(StreamDef s, Clock c) {
        Smmu smmu = smmus.get(s.smmu());
        Ste ste = switch (s.config()) {
            case ABORT -> Ste.abort();
            case BYPASS -> Ste.bypass();
            case STAGE1 -> Ste.stage1(0, S1Dss.SSID0);
            case STAGE2 -> Ste.stage2(s.vmid(), s.s2Domain());
            case NESTED -> Ste.nested(0, S1Dss.SSID0, s.vmid(), s.s2Domain());
        };
        if (s.config().usesStage1()) {
            models.of(smmu).writeCd(smmu, s.sid(), 0, Cd.of(domains.get(s.s1Domain()).spec.asid(), s.s1Domain()));
        }
        IommuSim sim = models.of(smmu);
        streamTables.get(s.smmu()).addMaster(sim, smmu, s.sid());
        long steSeq = sim.writeSte(smmu, s.sid(), ste);
        boolean drop = faults.next(FaultInjection.Kind.DROP_CFGI);
        List<org.iommusim.protocol.command.Command> cmds = drop ? List.of(CmdSync.poll())
                : List.of(new CfgiSte(s.sid(), false), CmdSync.poll());
        long sync = sim.submitAndWait(smmu, cmds) - 1;
        c.advance(metrics.submit(smmu.id(), c.now(), cmds));
        if (drop) {
            faults.hit(FaultInjection.Kind.DROP_CFGI, "the CFGI_STE after the STE write of sid 0x"
                    + Integer.toHexString(s.sid()) + " on " + smmu.id() + " (stream event #" + steSeq + ")");
        }
        auditConfig(smmu, s, ste, steSeq, sync, c.now());
    }

    /**
     * The configuration half of the audit at a CMD_SYNC completion: the sync
     * was meant to cover the STE (and CD) just written, so the configuration
     * cache must hold them now; a superseded one still in force is a
     * violation, whether or not the stream translates again.
     */
    private void auditConfig(Smmu smmu, StreamDef s, Ste ste, long steSeq, long sync, long t) {
        // what the next translation would use: the SMMU's configuration cache, or with a bounded one the TCU's
        // entry while held, else the stream table a miss reads (the SMMU's state is still asked for first, as
        // always: the ask is a turn of the deterministic schedule, so the journal stays what it was)
        IommuSim sim = models.of(smmu);
        ModelInternals.smmuState(sim, smmu);
        Ste steInForce = sim.steInForce(smmu, s.sid());
        Cd cdInForce = sim.cdInForce(smmu, s.sid(), 0);
        Cd cd = s.config().usesStage1() ? Cd.of(domains.get(s.s1Domain()).spec.asid(), s.s1Domain()) : null;
        boolean steStale = !ste.equals(steInForce);
        if (steStale || (cd != null && !cd.equals(cdInForce))) {
            String what = steStale ? "STE " + steInForce + " where the driver wrote " + ste
                    : "CD " + cdInForce + " at SSID 0 where the driver wrote " + cd;
            checker.audited("STALE_CONFIG_AFTER_SYNC", () -> "after the CMD_SYNC at " + smmu.id() + " queue entry "
                    + sync + " completed at t=" + t + "ns, the configuration cache still holds for sid 0x"
                    + Integer.toHexString(s.sid()) + " the " + what + " (stream event #" + steSeq + ")",
                    s.sid(), 0, null);
        }
    }

    /** The audit of every SMMU's TBU TLBs, each domain reached through the contexts that cache its mappings. */
    private CacheAudit newAudit() {
        Map<DomainId, List<CacheAudit.Reach>> reaches = new HashMap<>();
        Map<DomainId, Integer> sids = new HashMap<>();
        for (StreamDef st : sc.streams()) {
            if (st.s1Domain() != null) {
                sids.putIfAbsent(st.s1Domain(), st.sid());
            }
            if (st.s2Domain() != null) {
                sids.putIfAbsent(st.s2Domain(), st.sid());
            }
        }
        for (DomainCtx d : domains.values()) {
            List<CacheAudit.Reach> list = reaches.computeIfAbsent(d.id, k -> new ArrayList<>());
            int sid = sids.getOrDefault(d.id, 0);
            switch (d.spec.stage()) {
                case STAGE1 -> list.add(new CacheAudit.Reach(new CacheSource.Tags("STAGE1", d.vmid, d.spec.asid()),
                        false, (a, t) -> live(d, a, t), sid));
                case STAGE2 -> list.add(new CacheAudit.Reach(new CacheSource.Tags("STAGE2", d.vmid, -1), false,
                        (a, t) -> live(d, a, t), sid));
                case NESTED -> {
                    DomainCtx parent = domains.get(d.spec.parent());
                    CacheAudit.Live nested = (a, t) -> {
                        long ipa = live(d, a, t);
                        return ipa == -1 ? -1 : live(parent, ipa, t);
                    };
                    CacheSource.Tags tags = new CacheSource.Tags("NESTED", d.vmid, d.spec.asid());
                    list.add(new CacheAudit.Reach(tags, false, nested, sid));
                    reaches.computeIfAbsent(parent.id, k -> new ArrayList<>())
                            .add(new CacheAudit.Reach(tags, true, nested, sid));
                }
            }
        }
        CacheSource tlbs = new TlbSource(s -> models.of(s), () -> new java.util.TreeMap<>(smmus).values());
        List<CacheSource> sources = new ArrayList<>(List.of(tlbs));
        if (smmus.values().stream().anyMatch(s -> walkCaches(s.capabilities().tcu()))) {
            sources.add(walkCacheSource(reaches));
        }
        return new CacheAudit(sources, checker, id -> reaches.getOrDefault(id, List.of()),
                r -> r.unmapOrdinal == 0 ? 0 : driver.unmapCalls(r.unmapCpu) - r.unmapOrdinal);
    }

    private static boolean walkCaches(org.iommusim.protocol.capability.TcuCaches tcu) {
        boolean any = tcu.ipaCache().enabled();
        for (int level = 0; level < org.iommusim.protocol.capability.TcuCaches.LEVELS; level++) {
            any |= tcu.walk(1, level).enabled() || tcu.walk(2, level).enabled();
        }
        return any;
    }

    /**
     * The TCUs' walk caches, each domain reached through its own stage's
     * entries: a nested domain's stage-1 walk gets a reach of its own (its
     * leaves give IPAs, which the TLBs never hold).
     */
    private WalkCacheSource walkCacheSource(Map<DomainId, List<CacheAudit.Reach>> reaches) {
        Map<CacheSource.Tags, DomainId> domainOf = new HashMap<>();
        for (DomainCtx d : domains.values()) {
            switch (d.spec.stage()) {
                case STAGE1 -> domainOf.putIfAbsent(new CacheSource.Tags("STAGE1", d.vmid, d.spec.asid()), d.id);
                case STAGE2 -> domainOf.putIfAbsent(new CacheSource.Tags("STAGE2", d.vmid, -1), d.id);
                case NESTED -> {
                    CacheSource.Tags tags = new CacheSource.Tags(WalkCacheSource.NESTED_S1, d.vmid, d.spec.asid());
                    domainOf.putIfAbsent(tags, d.id);
                    List<CacheAudit.Reach> own = reaches.computeIfAbsent(d.id, k -> new ArrayList<>());
                    int sid = own.isEmpty() ? 0 : own.get(0).sid();
                    own.add(new CacheAudit.Reach(tags, false, (a, t) -> live(d, a, t), sid));
                }
            }
        }
        return WalkCacheSource.of(s -> models.of(s), () -> new java.util.TreeMap<>(smmus).values(), domainOf::get);
    }

    /** What {@code d}'s live tables give {@code address} at {@code t}, by the history; -1 when nothing maps it. */
    private long live(DomainCtx d, long address, long t) {
        MapRecord m = history.mappedAt(d.id, address, t);
        return m == null ? -1 : m.translate(address);
    }

    private Device device(DeviceDef dev, StreamDef s, int order, long paBase) {
        int cpu = order % Math.max(1, sc.driver().cpus());
        Checker.Resolution res = resolution(s);
        DomainCtx primary = domains.get(s.config() == org.iommusim.protocol.config.SteConfig.STAGE2 ? s.s2Domain()
                : s.s1Domain());
        Workload w = dev.workload();
        if (w instanceof Workload.NicRing n) {
            return new Devices.Nic(dev.name(), dev.sid(), cpu, order, res, n, primary, paBase);
        }
        if (w instanceof Workload.RandomAccess r) {
            return new Devices.RandomAccess(dev.name(), dev.sid(), cpu, order, res, r, primary, paBase);
        }
        if (w instanceof Workload.StorageSg g) {
            return new Devices.Storage(dev.name(), dev.sid(), cpu, order, res, g, primary, paBase);
        }
        Workload.NestedGuest g = (Workload.NestedGuest) w;
        return new Devices.NestedGuest(dev.name(), dev.sid(), cpu, order, res, g, domains.get(s.s1Domain()),
                domains.get(s.s2Domain()), paBase);
    }

    private Checker.Resolution resolution(StreamDef s) {
        switch (s.config()) {
            case STAGE1, STAGE2: {
                DomainCtx d = domains.get(s.config() == org.iommusim.protocol.config.SteConfig.STAGE1 ? s.s1Domain()
                        : s.s2Domain());
                return new Checker.Resolution() {
                    @Override
                    public List<MapRecord> candidates(long iova) {
                        return history.covering(d.id, iova);
                    }

                    @Override
                    public MapRecord newestCandidate(long iova) {
                        return history.newestCovering(d.id, iova);
                    }

                    @Override
                    public DomainStage stage() {
                        return d.spec.tableFormat();
                    }

                    @Override
                    public MapRecord stage1(long iova) {
                        return null;
                    }
                };
            }
            case NESTED: {
                DomainCtx s1 = domains.get(s.s1Domain());
                DomainCtx s2 = domains.get(s.s2Domain());
                return new Checker.Resolution() {
                    @Override
                    public List<MapRecord> candidates(long iova) {
                        MapRecord first = stage1(iova);
                        return first == null ? List.of() : history.covering(s2.id, first.translate(iova));
                    }

                    @Override
                    public MapRecord newestCandidate(long iova) {
                        MapRecord first = stage1(iova);
                        return first == null ? null : history.newestCovering(s2.id, first.translate(iova));
                    }

                    @Override
                    public DomainStage stage() {
                        return DomainStage.STAGE2;
                    }

                    @Override
                    public MapRecord stage1(long iova) {
                        return history.newestCovering(s1.id, iova);
                    }
                };
            }
            default:
                return null;
        }
    }

    /**
     * The seeded scheduler: returns {operations, virtual end time}. Events
     * (device steps, the lazy flush timer) are taken in time order, so the
     * model's clock, moved to each before it runs, only moves forward.
     */
    private long[] runDeterministic(long startAt, LongConsumer progress) {
        Random rnd = new Random(sc.seed());
        PriorityQueue<Device> queue = new PriorityQueue<>((a, b) -> a.nextAt != b.nextAt
                ? Long.compare(a.nextAt, b.nextAt) : Integer.compare(a.order, b.order));
        for (Device d : devices) {
            d.nextAt = startAt + rnd.nextInt(1000);
            queue.add(d);
        }
        long ops = 0;
        long now = startAt;
        long maxOps = sc.length().operations();
        long maxTime = sc.length().virtualNanos();
        long lastPermille = -1;
        while (!queue.isEmpty()) {
            Device d = queue.peek();
            long timerAt = driver.nextTimer();
            if (timerAt <= d.nextAt && (maxTime <= 0 || timerAt < maxTime)) {
                // the lazy flush timer fires at exactly its time, on the scheduler's clock and the model's
                modelAt(timerAt);
                Clock c = Clock.virtual(timerAt);
                driver.timer(c);
                now = Math.max(now, c.now());
                continue;
            }
            if ((maxOps > 0 && ops >= maxOps) || (maxTime > 0 && d.nextAt >= maxTime)) {
                break;
            }
            queue.poll();
            long start = d.nextAt;
            modelAt(start);
            Clock c = Clock.virtual(start);
            d.step(ctx, c, rnd);
            d.operations++;
            ops++;
            now = Math.max(now, c.now());
            d.nextAt = next(d, start, c.now(), rnd);
            queue.add(d);
            if (faults.crashAfter(ops)) {
                models.close();
                start();
            }
            long permille = maxOps > 0 ? ops * 1000 / maxOps : now * 1000 / Math.max(1, maxTime);
            if (permille != lastPermille) {
                progress.accept(Math.min(1000, permille));
                lastPermille = permille;
            }
        }
        return new long[] {ops, now};
    }

    /**
     * When {@code d}, whose operation ran from {@code start} to {@code end},
     * starts its next one: at its pace ({@code interval}, drawn from half to
     * one and a half times it, never before {@code end}), or 50 to 250 ns after
     * {@code end}. A device of weight w runs w times as fast: the span from one
     * start to the next is divided by w, so its operations overlap in virtual
     * time (w engines working on one device's state, in turn).
     */
    private static long next(Device d, long start, long end, Random rnd) {
        if (d.intervalNs > 0) {
            long span = d.intervalNs / 2 + rnd.nextLong(d.intervalNs + 1);
            return d.weight == 1 ? Math.max(end, start + span) : start + Math.max(1, span / d.weight);
        }
        long span = end - start + 50 + rnd.nextInt(200);
        return start + Math.max(1, span / d.weight);
    }

    /**
     * Every device on its own thread, real time, its DMA in asynchronous
     * bursts ({@link DmaPipe}); shared state behind locks, model calls outside
     * them. Returns the operations done.
     */
    private long runConcurrent(long wallStart, LongConsumer progress) {
        AtomicLong ops = new AtomicLong();
        long maxOps = sc.length().operations() > 0 ? sc.length().operations() : Long.MAX_VALUE;
        long maxTime = sc.length().virtualNanos() > 0 ? sc.length().virtualNanos() : Long.MAX_VALUE;
        if (quotas != null && !quotas.keySet().equals(devices.stream().map(dv -> dv.name)
                .collect(java.util.stream.Collectors.toSet()))) {
            throw new IllegalArgumentException("quotas " + quotas.keySet() + " do not name exactly the devices "
                    + devices.stream().map(dv -> dv.name).toList());
        }
        for (Device d : devices) {
            d.pipe = new DmaPipe(d, models.of(smmus.get(smmuOf(d))).translationPort(smmus.get(smmuOf(d))), this::checkBurst,
                    Clock.real(wallStart));
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        // the lazy flush timer, in real time
        Thread timer = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                driver.timer(Clock.real(wallStart));
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "flush-timer");
        timer.setDaemon(true);
        timer.start();
        for (Device d : devices) {
            Random rnd = new Random(sc.seed() * 31 + d.order);
            long quota = quotas == null ? -1 : quotas.get(d.name);
            Thread t = new Thread(() -> {
                try {
                    Clock c = Clock.real(wallStart);
                    while (quota >= 0 ? d.operations < quota
                            : ops.get() < maxOps && System.nanoTime() - wallStart < maxTime) {
                        d.pipe.poll();
                        d.step(ctx, c, rnd);
                        d.operations++;
                        long n = ops.incrementAndGet();
                        if (n % Math.max(1, Math.min(maxOps, 1_000_000) / 100) == 0) {
                            progress.accept(Math.min(1000, maxOps == Long.MAX_VALUE ? 0 : n * 1000 / maxOps));
                        }
                    }
                    d.pipe.finish();
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "device-" + d.name);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while devices ran", e);
            }
        }
        timer.interrupt();
        try {
            timer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the flush timer stopped", e);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a device thread failed: " + failures.get(0), failures.get(0));
        }
        return ops.get();
    }
}
