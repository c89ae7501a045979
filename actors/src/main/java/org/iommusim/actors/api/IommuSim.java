package org.iommusim.actors.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.iommusim.actors.JournalIds;
import org.iommusim.actors.domain.DomainDirectory;
import org.iommusim.actors.domain.DomainEntity;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.actors.exec.DeterministicRuntime;
import org.iommusim.actors.exec.StuckException;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.actors.smmu.StreamEntity;
import org.iommusim.persistence.translate.StreamStats;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * The embedding API: a whole model (domains, SMMUs with their streams and
 * translation pools) on a LevelDB journal, driven with plain Java calls.
 * Every operation has an asynchronous form returning a
 * {@link CompletionStage} ({@code ...Async}) and a blocking form; refusals
 * come back as {@link ModelException} naming the reason. No Pekko type is
 * needed on the common path.
 *
 * <p>Start it with its own ActorSystem ({@link #start}), or inside an
 * ActorSystem the caller owns ({@link #inside}), whose configuration must then
 * include {@link #config}. Restarting on the same directory recovers every
 * domain and stream before serving: SMMUs are re-added by name with
 * {@link #addSmmu} and find their journals.
 *
 * <p>In deterministic mode ({@link ModelOptions#deterministic()}, or a system
 * built by a {@link DeterministicRuntime}) every blocking call runs the model
 * on the caller's thread until its answer is there, and timers wait for
 * virtual time: see {@link #advanceTo} and docs/EMBEDDING.md.
 */
public final class IommuSim implements AutoCloseable {
    private final ActorSystem<?> system;
    private final boolean ownsSystem;
    private final JournalSettings journal;
    private final ModelOptions options;
    private final Spawner spawner;
    private final PageTableViews domainViews = new PageTableViews();
    private final ActorRef<DomainDirectory.Command> domains;
    private final List<String> journalIds;
    private final Map<String, Smmu> smmus = new ConcurrentHashMap<>();
    /** Drives the model on the caller's thread in deterministic mode; null when threaded. */
    private final DeterministicRuntime runtime;

    private interface Spawner {
        <T> ActorRef<T> spawn(Behavior<T> behavior, String name);
    }

    private IommuSim(ActorSystem<?> system, boolean owns, JournalSettings journal, ModelOptions options, Spawner spawner) {
        this.system = system;
        this.ownsSystem = owns;
        this.journal = journal;
        this.options = options;
        this.spawner = spawner;
        this.runtime = DeterministicRuntime.of(system).orElse(null);
        this.journalIds = JournalIds.current(system, options.callTimeout());
        this.domains = spawner.spawn(DomainDirectory.create(DomainEntity.Settings.fromConfig(system.settings().config()),
                domainViews), "domains");
        for (String id : journalIds) {
            if (id.startsWith("domain-")) {
                DomainId d = DomainId.of(Long.parseLong(id.substring("domain-".length())));
                join(this.<DomainState>ask(domains, r -> new DomainDirectory.Deliver(d, new DomainEntity.GetState(r))));
            }
        }
    }

    /** The Pekko configuration the model needs: its journal under {@code options.dataDir()}. */
    public static Config config(ModelOptions options) {
        return JournalSettings.levelDb(options.dataDir()).withFsync(options.fsync()).toConfig()
                .withFallback(ConfigFactory.load());
    }

    /** Starts a model with its own ActorSystem. */
    public static IommuSim start(ModelOptions options) {
        JournalSettings journal = JournalSettings.levelDb(options.dataDir()).withFsync(options.fsync()).prepare();
        DeterministicRuntime runtime = options.execution() instanceof Execution.Deterministic d
                ? DeterministicRuntime.create(d.interleavingSeed()) : null;
        ActorSystem<SpawnProtocol.Command> system;
        try {
            Config config = journal.toConfig().withFallback(ConfigFactory.load());
            system = runtime == null ? ActorSystem.create(SpawnProtocol.create(), "iommu-sim", config)
                    : runtime.createSystem(SpawnProtocol.create(), "iommu-sim", config);
        } catch (RuntimeException e) {
            if (runtime != null) {
                runtime.close();
            }
            journal.release();
            throw e;
        }
        Spawner spawner = new Spawner() {
            @Override
            public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
                CompletionStage<ActorRef<T>> spawned = AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(system,
                        r -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), r), options.callTimeout(),
                        system.scheduler());
                return runtime == null ? spawned.toCompletableFuture().join()
                        : runtime.await(spawned, "spawning " + name, options.callTimeout());
            }
        };
        try {
            return new IommuSim(system, true, journal, options, spawner);
        } catch (RuntimeException e) {
            stop(system, runtime);
            journal.release();
            throw e;
        }
    }

    private static void stop(ActorSystem<?> system, DeterministicRuntime runtime) {
        if (runtime != null) {
            runtime.terminate(system);
            return;
        }
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    /**
     * Runs the model inside the caller's ActorSystem (as system actors), whose
     * configuration must include {@link #config}; the caller keeps ownership of
     * the system and its journal directory.
     */
    public static IommuSim inside(ActorSystem<?> system, ModelOptions options) {
        Spawner spawner = new Spawner() {
            @Override
            public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
                return system.systemActorOf(behavior, "iommu-sim-" + name, Props.empty());
            }
        };
        return new IommuSim(system, false, null, options, spawner);
    }

    // ---- SMMUs --------------------------------------------------------------

    /** Adds (or, after a restart, re-attaches) SMMU {@code smmu-<index>} with these capabilities. */
    public Smmu addSmmu(int index, SmmuCapabilities caps) {
        String id = "smmu-" + index;
        if (smmus.containsKey(id)) {
            throw new ModelException("DUPLICATE_SMMU", id + " is already added");
        }
        SmmuNode.Handles handles = new SmmuNode.Handles();
        SmmuNode.Setup setup = new SmmuNode.Setup(id, caps, SmmuEntity.Settings.fromConfig(system.settings().config()),
                TranslationWorker.Settings.defaults(), options.workersPerSmmu(), options.maxBurst(),
                SmmuNode.streamsOf(id, journalIds), List.of());
        ActorRef<SmmuNode.Command> node = spawner.spawn(SmmuNode.create(setup, handles, domainViews), id);
        Smmu smmu = new Smmu(id, caps, node, handles);
        join(smmuStateAsync(smmu)); // recovered and serving
        smmus.put(id, smmu);
        return smmu;
    }

    public Smmu smmu(String id) {
        Smmu s = smmus.get(id);
        if (s == null) {
            throw new ModelException("UNKNOWN_SMMU", "no SMMU " + id + "; added: " + smmus.keySet());
        }
        return s;
    }

    // ---- domains ------------------------------------------------------------

    public CompletionStage<Long> allocateDomainAsync(DomainId id, DomainSpec spec, Smmu on) {
        return this.<DomainEntity.Reply>ask(domains, r -> new DomainDirectory.Allocate(id, spec, on.capabilities(), r))
                .thenApply(IommuSim::done);
    }

    public long allocateDomain(DomainId id, DomainSpec spec, Smmu on) {
        return join(allocateDomainAsync(id, spec, on));
    }

    public CompletionStage<Long> mapAsync(DomainId id, MapBatch batch) {
        return domainCall(id, r -> new DomainEntity.Map(batch, r));
    }

    public long map(DomainId id, MapBatch batch) {
        return join(mapAsync(id, batch));
    }

    public CompletionStage<Long> unmapAsync(DomainId id, UnmapBatch batch) {
        return domainCall(id, r -> new DomainEntity.Unmap(batch, r));
    }

    public long unmap(DomainId id, UnmapBatch batch) {
        return join(unmapAsync(id, batch));
    }

    public CompletionStage<Long> freeDomainAsync(DomainId id) {
        return domainCall(id, DomainEntity.Free::new);
    }

    public long freeDomain(DomainId id) {
        return join(freeDomainAsync(id));
    }

    /** The domain's published page table (immutable), if it is allocated. */
    public java.util.Optional<PageTable> pageTable(DomainId id) {
        return domainViews.get(id);
    }

    private CompletionStage<Long> domainCall(DomainId id, Function<ActorRef<DomainEntity.Reply>, DomainEntity.Command> f) {
        return this.<DomainEntity.Reply>ask(domains, r -> new DomainDirectory.Deliver(id, f.apply(r)))
                .thenApply(IommuSim::done);
    }

    private static long done(DomainEntity.Reply reply) {
        if (reply instanceof DomainEntity.Done d) {
            return d.sequenceNr();
        }
        DomainEntity.Refused r = (DomainEntity.Refused) reply;
        String kind = r.error().pageTable() != null ? r.error().pageTable().kind().name() : r.error().kind().name();
        throw new ModelException(kind, r.error().message());
    }

    // ---- streams ------------------------------------------------------------

    public CompletionStage<Long> writeSteAsync(Smmu smmu, int sid, Ste ste) {
        return streamCall(smmu, sid, r -> new StreamEntity.WriteSte(ste, r));
    }

    public long writeSte(Smmu smmu, int sid, Ste ste) {
        return join(writeSteAsync(smmu, sid, ste));
    }

    public CompletionStage<Long> writeCdAsync(Smmu smmu, int sid, int ssid, Cd cd) {
        return streamCall(smmu, sid, r -> new StreamEntity.WriteCd(ssid, cd, r));
    }

    public long writeCd(Smmu smmu, int sid, int ssid, Cd cd) {
        return join(writeCdAsync(smmu, sid, ssid, cd));
    }

    private CompletionStage<Long> streamCall(Smmu smmu, int sid,
            Function<ActorRef<StreamEntity.Reply>, StreamEntity.Command> f) {
        return this.<StreamEntity.Reply>ask(smmu.node, r -> new SmmuNode.ToStream(sid, f.apply(r))).thenApply(reply -> {
            if (reply instanceof StreamEntity.Written w) {
                return w.sequenceNr();
            }
            throw new ModelException("STREAM_REFUSED", ((StreamEntity.Refused) reply).reason());
        });
    }

    // ---- command queue ------------------------------------------------------

    /** Writes entries at PROD; completes with the new producer index, or fails with QUEUE_FULL. */
    public CompletionStage<Long> submitRawAsync(Smmu smmu, List<RawCommand> entries) {
        return this.<SmmuEntity.SubmitReply>ask(smmu.node, r -> new SmmuNode.ToSmmu(new SmmuEntity.Submit(entries, r)))
                .thenApply(IommuSim::accepted);
    }

    public long submitRaw(Smmu smmu, List<RawCommand> entries) {
        return join(submitRawAsync(smmu, entries));
    }

    public CompletionStage<Long> submitAsync(Smmu smmu, List<? extends Command> commands) {
        List<RawCommand> raws = new ArrayList<>(commands.size());
        for (Command c : commands) {
            raws.add(c.encode());
        }
        return submitRawAsync(smmu, raws);
    }

    public long submit(Smmu smmu, List<? extends Command> commands) {
        return join(submitAsync(smmu, commands));
    }

    /**
     * Completes when the consumer has passed entry {@code index} (for a CMD_SYNC:
     * when the sync has completed), or fails with CERROR_ILL when the queue
     * halts at or before it.
     */
    public CompletionStage<Long> awaitConsumedAsync(Smmu smmu, long index) {
        return this.<SmmuEntity.ConsumeReply>ask(smmu.node,
                r -> new SmmuNode.ToSmmu(new SmmuEntity.AwaitConsumed(index, r))).thenApply(reply -> {
            if (reply instanceof SmmuEntity.ConsumedPast c) {
                return c.cons();
            }
            var e = ((SmmuEntity.QueueHalted) reply).error();
            throw new ModelException("CERROR_" + e.code(), "command queue halted at entry " + e.index() + ": " + e.reason());
        });
    }

    public long awaitConsumed(Smmu smmu, long index) {
        return join(awaitConsumedAsync(smmu, index));
    }

    /** Submits and waits until every entry is consumed, as a driver polling CMDQ_CONS does. */
    public CompletionStage<Long> submitAndWaitAsync(Smmu smmu, List<? extends Command> commands) {
        return submitAsync(smmu, commands).thenCompose(prod -> awaitConsumedAsync(smmu, prod - 1));
    }

    public long submitAndWait(Smmu smmu, List<? extends Command> commands) {
        return join(submitAndWaitAsync(smmu, commands));
    }

    public CompletionStage<Long> resumeAsync(Smmu smmu, RawCommand replacement) {
        return this.<SmmuEntity.SubmitReply>ask(smmu.node,
                r -> new SmmuNode.ToSmmu(new SmmuEntity.Resume(replacement, r))).thenApply(IommuSim::accepted);
    }

    public long resume(Smmu smmu, RawCommand replacement) {
        return join(resumeAsync(smmu, replacement));
    }

    private static long accepted(SmmuEntity.SubmitReply reply) {
        if (reply instanceof SmmuEntity.Accepted a) {
            return a.prod();
        }
        String reason = ((SmmuEntity.Rejected) reply).reason();
        throw new ModelException(reason.startsWith("queue full") ? "QUEUE_FULL" : "REJECTED", reason);
    }

    public CompletionStage<SmmuState> smmuStateAsync(Smmu smmu) {
        return ask(smmu.node, r -> new SmmuNode.ToSmmu(new SmmuEntity.GetState(r)));
    }

    public SmmuState smmuState(Smmu smmu) {
        return join(smmuStateAsync(smmu));
    }

    // ---- translation --------------------------------------------------------

    /** The hot path: a long-lived port for bursts and single requests with callbacks (see {@link TranslationPort}). */
    public TranslationPort translationPort(Smmu smmu) {
        return new TranslationPort(smmu, smmu.handles.pool());
    }

    /**
     * Completes on a model thread; fails with TIMEOUT after the call timeout (the port has no timer: it is faster).
     * In deterministic mode it completes while the caller runs the model, and has no timer of its own.
     */
    public CompletionStage<TranslationResult> translateAsync(Smmu smmu, TranslationRequest request) {
        CompletableFuture<TranslationResult> f = new CompletableFuture<>();
        smmu.handles.pool().translate(request, o -> f.complete(o.result()));
        return bounded(f, "translation");
    }

    public TranslationResult translate(Smmu smmu, TranslationRequest request) {
        return await(translateAsync(smmu, request), "translation");
    }

    /** A translation with how it was answered (hit, miss, configuration) and the walk's descriptor reads. */
    public CompletionStage<TranslationWorker.Traced> translateTracedAsync(Smmu smmu, TranslationRequest request) {
        CompletableFuture<TranslationWorker.Traced> f = new CompletableFuture<>();
        smmu.handles.pool().translate(request, o -> f.complete(TranslationWorker.Traced.of(o)));
        return bounded(f, "translation");
    }

    public TranslationWorker.Traced translateTraced(Smmu smmu, TranslationRequest request) {
        return await(translateTracedAsync(smmu, request), "translation");
    }

    /**
     * Up to {@link ModelOptions#maxBurst()} translations, one answer, results
     * in request order. The list form of {@link TranslationPort#submit}; the
     * port is the faster one.
     */
    public CompletionStage<List<TranslationResult>> translateBurstAsync(Smmu smmu, List<TranslationRequest> requests) {
        int max = smmu.handles.pool().maxBurst();
        if (requests.isEmpty() || requests.size() > max) {
            return CompletableFuture.failedFuture(new ModelException("BURST_TOO_LARGE",
                    "a burst holds 1 to " + max + " requests, got " + requests.size()));
        }
        TranslationBurst burst = new TranslationBurst(requests.size());
        requests.forEach(burst::add);
        return bounded(translationPort(smmu).submit(burst), "burst translation").thenApply(b -> {
            List<TranslationResult> out = new ArrayList<>(b.size());
            for (int i = 0; i < b.size(); i++) {
                out.add(b.result(i));
            }
            return out;
        });
    }

    public List<TranslationResult> translateBurst(Smmu smmu, List<TranslationRequest> requests) {
        return await(translateBurstAsync(smmu, requests), "burst translation");
    }

    // ---- event queue and statistics -------------------------------------------

    public CompletionStage<List<SmmuEvent>> readEventsAsync(Smmu smmu, int max) {
        return this.<SmmuEntity.EventQueueView>ask(smmu.node, r -> new SmmuNode.ToSmmu(new SmmuEntity.ReadEvents(max, r)))
                .thenApply(SmmuEntity.EventQueueView::records);
    }

    public List<SmmuEvent> readEvents(Smmu smmu, int max) {
        return join(readEventsAsync(smmu, max));
    }

    public CompletionStage<Long> acknowledgeEventsAsync(Smmu smmu, int count) {
        return this.<SmmuEntity.SubmitReply>ask(smmu.node,
                r -> new SmmuNode.ToSmmu(new SmmuEntity.AcknowledgeEvents(count, r))).thenApply(IommuSim::accepted);
    }

    public long acknowledgeEvents(Smmu smmu, int count) {
        return join(acknowledgeEventsAsync(smmu, count));
    }

    public CompletionStage<SmmuStatistics> statisticsAsync(Smmu smmu) {
        List<CompletableFuture<TranslationWorker.ShardReport>> reports = new ArrayList<>();
        for (var w : smmu.handles.pool().workers()) {
            reports.add(this.<TranslationWorker.ShardReport>ask(w, TranslationWorker.GetShard::new).toCompletableFuture());
        }
        return CompletableFuture.allOf(reports.toArray(new CompletableFuture[0])).thenApply(v -> {
            long hits = 0, misses = 0, fills = 0, evictions = 0, removed = 0;
            Map<CommandOpcode, Long> inv = new EnumMap<>(CommandOpcode.class);
            Map<Integer, StreamStats> streams = new HashMap<>();
            boolean first = true;
            for (var f : reports) {
                TranslationWorker.ShardReport r = f.join();
                if (first) {
                    // every shard receives every invalidation the SMMU consumed: count them once
                    r.stats().invalidations().forEach((k, n) -> inv.merge(k, n, Long::sum));
                    first = false;
                }
                hits += r.stats().hits();
                misses += r.stats().misses();
                fills += r.stats().fills();
                evictions += r.stats().evictions();
                removed += r.stats().entriesRemoved();
                r.streams().forEach((sid, s) -> streams.merge(sid, s, StreamStats::plus));
            }
            return new SmmuStatistics(hits, misses, fills, evictions, inv, removed, streams);
        });
    }

    public SmmuStatistics statistics(Smmu smmu) {
        return join(statisticsAsync(smmu));
    }

    // ---- lifecycle ------------------------------------------------------------

    /**
     * Stops the model (and its ActorSystem, if it owns one) and releases the
     * journal directory. The IOTLB shards first write the fills they hold
     * back for a batch, so a clean stop loses none (a crash may: an IOTLB may
     * always forget an entry).
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> flushed = new ArrayList<>();
        for (Smmu s : smmus.values()) {
            for (var w : s.handles.pool().workers()) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                w.tell(new TranslationWorker.Flush(() -> f.complete(null)));
                flushed.add(f);
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(flushed.toArray(new CompletableFuture[0]));
        try {
            if (runtime != null) {
                runtime.await(all, "the IOTLB shards' last writes", options.callTimeout());
            } else {
                all.get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | StuckException e) {
            // stop anyway: what was not written is only fills, which an IOTLB may forget
        }
        if (ownsSystem) {
            stop(system, runtime);
            journal.release();
        }
    }

    /** For embedders who need it: the ActorSystem the model runs in. */
    public ActorSystem<?> actorSystem() {
        return system;
    }

    private <T> CompletionStage<T> ask(ActorRef<?> target, Function<ActorRef<T>, ?> message) {
        @SuppressWarnings("unchecked")
        ActorRef<Object> t = (ActorRef<Object>) target;
        return plain(AskPattern.<Object, T>ask(t, message::apply, options.callTimeout(), system.scheduler()));
    }

    /**
     * Pekko's ask answers with Scala's CompletableFuture, which runs every
     * {@code thenApply}/{@code whenComplete} asynchronously on the common pool;
     * with one or two cores that pool starts a new thread for each callback. A
     * plain JDK future, completed on the thread that completes the reply, keeps
     * callers' compositions synchronous and cheap.
     */
    private static <T> CompletableFuture<T> plain(CompletionStage<T> stage) {
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenCompleteAsync((v, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            } else {
                out.complete(v);
            }
        }, Runnable::run);
        return out;
    }

    /**
     * Fails {@code f} with TIMEOUT once the call timeout has passed: translations
     * are not asks, so nothing else bounds the wait.
     */
    private <T> CompletableFuture<T> bounded(CompletableFuture<T> f, String what) {
        if (runtime != null) {
            return f; // no wall-clock timer: the blocking forms bound the wait in virtual time
        }
        return f.orTimeout(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                throw new ModelException("TIMEOUT", "no answer to the " + what + " within " + options.callTimeout());
            }
            throw e instanceof RuntimeException r ? r : new CompletionException(e);
        });
    }

    /** Waits for a translation at most the call timeout. */
    private <T> T await(CompletionStage<T> stage, String what) {
        if (runtime != null) {
            return pump(stage, what);
        }
        try {
            return stage.toCompletableFuture().get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ModelException("TIMEOUT", "no answer to the " + what + " within " + options.callTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("INTERRUPTED", "interrupted while waiting for the " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(e.getCause());
        }
    }

    private <T> T join(CompletionStage<T> stage) {
        if (runtime != null) {
            return pump(stage, null);
        }
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    // ---- deterministic mode ---------------------------------------------------

    /**
     * Deterministic mode: runs the model on this thread until {@code stage}
     * completes, letting virtual time move to each next timer while nothing
     * else can run, at most the call timeout; a wait that can never end, or
     * would pass that, fails with STUCK or TIMEOUT naming the call.
     */
    private <T> T pump(CompletionStage<T> stage, String what) {
        try {
            return runtime.await(stage, what != null ? what : "a model call", options.callTimeout());
        } catch (StuckException e) {
            String call = what != null ? what : callerName();
            throw new ModelException(e.reason() == StuckException.Reason.DEADLINE ? "TIMEOUT" : "STUCK",
                    call + ": " + e.getMessage());
        }
    }

    /** The public facade method that was waiting (for a clear failure). */
    private static String callerName() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> f.getClassName().equals(IommuSim.class.getName()))
                .map(StackWalker.StackFrame::getMethodName)
                .filter(m -> !m.equals("pump") && !m.equals("join") && !m.equals("await") && !m.equals("callerName"))
                .findFirst().map(m -> "IommuSim." + m).orElse("a model call"));
    }

    /** Whether this model runs deterministically on its caller's thread. */
    public boolean isDeterministic() {
        return runtime != null;
    }

    /** The runtime driving this model (deterministic mode); throws IllegalStateException when threaded. */
    public DeterministicRuntime deterministicRuntime() {
        if (runtime == null) {
            throw new IllegalStateException("this model runs on Pekko's threads; start it with"
                    + " ModelOptions.deterministic() for virtual time");
        }
        return runtime;
    }

    /**
     * Deterministic mode: moves virtual time to {@code virtualNanos}, firing
     * every timer due by then (IOTLB write-behind, ask timeouts...) in time
     * order, each followed by all it causes.
     */
    public void advanceTo(long virtualNanos) {
        deterministicRuntime().advanceTo(virtualNanos);
    }

    /** Deterministic mode: runs everything ready at the current virtual time; returns how many tasks ran. */
    public long runUntilIdle() {
        return deterministicRuntime().runUntilIdle();
    }

    /** Deterministic mode: virtual nanoseconds since the model started. */
    public long virtualNanos() {
        return deterministicRuntime().nowNanos();
    }
}
