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
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.iommusim.actors.JournalIds;
import org.iommusim.actors.domain.DomainDirectory;
import org.iommusim.actors.domain.DomainEntity;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.actors.exec.DeterministicRuntime;
import org.iommusim.actors.exec.StuckException;
import org.iommusim.actors.internal.CallGate;
import org.iommusim.actors.internal.InterruptDispatch;
import org.iommusim.actors.internal.ModelRoot;
import org.iommusim.actors.smmu.IdEntity;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.actors.smmu.StreamEntity;
import org.iommusim.actors.translate.RetiredShard;
import org.iommusim.actors.translate.TranslationPool;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.ids.IdKind;
import org.iommusim.persistence.ids.IdState;
import org.iommusim.persistence.journal.JournalHealth;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.journal.JournalUnavailableException;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.replay.JournalCheck;
import org.iommusim.persistence.replay.JournalDamagedException;
import org.iommusim.persistence.replay.JournalReadException;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.persistence.translate.StreamStats;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.memory.GuestMemory;
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
 * ActorSystem the caller owns ({@code org.iommusim.actors.pekko.PekkoEmbedding},
 * outside this Pekko-free package). Restarting on the same directory recovers
 * every domain and stream before serving: SMMUs are re-added by name with
 * {@link #addSmmu} and find their journals.
 *
 * <p>Threads: in the threaded mode (the default) every method may be called
 * from any thread, concurrently; each entity (a domain, an SMMU's queues, its
 * streams) takes its calls in the order they arrive, at most
 * {@link #MAX_CALLS_PER_ENTITY} in flight. The stages of the {@code ...Async}
 * forms complete on a model thread: do not block there. In deterministic mode
 * ({@link ModelOptions#deterministic()}) drive the model from one thread at a
 * time: every blocking call runs the model on that thread until its answer is
 * there, and timers wait for virtual time (see {@link #advanceTo} and
 * docs/EMBEDDING.md).
 *
 * <p>Every public signature here names only types of this package, of
 * {@code org.iommusim.protocol} and of the JDK ({@code PublicApiTest}); the
 * model's own view, in its internal types, is
 * {@code org.iommusim.actors.internal.ModelInternals}.
 */
public final class IommuSim implements AutoCloseable {
    /**
     * Calls in flight to one entity at most (a domain; an SMMU's command queue
     * and event queue; an SMMU's streams): one more is refused at once with
     * {@link ModelException.Kind#OVERLOADED}. Well below what an entity can
     * hold while it writes (Pekko's stash keeps 4096 messages).
     */
    public static final int MAX_CALLS_PER_ENTITY = 1024;

    private static final java.util.concurrent.atomic.AtomicLong INSIDE_SEQ = new java.util.concurrent.atomic.AtomicLong();

    static {
        org.iommusim.actors.internal.ModelInternals.install(new Internals());
    }

    /** The model's own view of a facade, in internal types (see {@link org.iommusim.actors.internal.ModelInternals}). */
    private static final class Internals implements org.iommusim.actors.internal.ModelInternals.Access {
        @Override
        public CompletionStage<TranslationWorker.Traced> translateTraced(IommuSim sim, Smmu smmu, TranslationRequest r) {
            return sim.translateTracedAsync(smmu, r);
        }

        @Override
        public TranslationWorker.Traced translateTracedNow(IommuSim sim, Smmu smmu, TranslationRequest r) {
            return sim.translateTraced(smmu, r);
        }

        @Override
        public TranslationWorker.Traced translateCounted(IommuSim sim, Smmu smmu, TranslationRequest r) {
            return sim.translateCounted(smmu, r);
        }

        @Override
        public <T> T await(IommuSim sim, CompletionStage<T> stage, String what) {
            return sim.await(stage, what);
        }

        @Override
        public CompletionStage<SmmuState> smmuState(IommuSim sim, Smmu smmu) {
            return sim.smmuStateAsync(smmu);
        }

        @Override
        public java.util.Optional<PageTable> pageTable(IommuSim sim, DomainId id) {
            return sim.pageTable(id);
        }

        @Override
        public CompletionStage<IdState> ids(IommuSim sim, Smmu smmu) {
            return sim.idsAsync(smmu);
        }

        @Override
        public <T> T join(IommuSim sim, CompletionStage<T> stage) {
            return sim.join(stage);
        }

        @Override
        public ActorSystem<?> actorSystem(IommuSim sim) {
            return sim.actorSystem();
        }

        @Override
        public DeterministicRuntime runtime(IommuSim sim) {
            return sim.deterministicRuntime();
        }

        @Override
        public IommuSim inside(ActorSystem<?> system, ModelOptions options) {
            return IommuSim.inside(system, options);
        }
    }

    private final ActorSystem<?> system;
    private final boolean ownsSystem;
    private final JournalSettings journal;
    private final ModelOptions options;
    private final ActorRef<ModelRoot.Command> root;
    private final CompletableFuture<Void> rootStopped;
    private final CallGate gate = new CallGate(MAX_CALLS_PER_ENTITY);
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final PageTableViews domainViews = new PageTableViews();
    private final ActorRef<DomainDirectory.Command> domains;
    private final List<String> journalIds;
    private final Map<String, Smmu> smmus = new ConcurrentHashMap<>();
    private final AutoCloseable journalWatch;
    /** Drives the model on the caller's thread in deterministic mode; null when threaded. */
    private final DeterministicRuntime runtime;
    /** Hands the SMMUs' interrupts to the embedder's listeners. */
    private final InterruptDispatch interrupts;

    private IommuSim(ActorSystem<?> system, boolean owns, JournalSettings journal, ModelOptions options,
            ActorRef<ModelRoot.Command> root, CompletableFuture<Void> rootStopped) {
        this.system = system;
        this.ownsSystem = owns;
        this.journal = journal;
        this.options = options;
        this.root = root;
        this.rootStopped = rootStopped;
        this.runtime = DeterministicRuntime.of(system).orElse(null);
        this.interrupts = new InterruptDispatch(runtime != null);
        // a failed journal write stops the model: every pending and later call fails with the reason at once
        java.util.function.Consumer<String> stop =
                reason -> gate.stop(ModelException.Kind.JOURNAL_FAILED, "the journal failed: " + reason);
        AutoCloseable dirWatch = JournalHealth.onFailure(JournalSettings.levelDb(options.dataDir()).journalDir(), stop);
        // a journal without a directory (the cluster's SQL journal) reports by plugin, for its whole system
        AutoCloseable pluginWatch = JournalHealth.onFailure(system.classicSystem(),
                system.settings().config().getString("pekko.persistence.journal.plugin"), stop);
        this.journalWatch = () -> {
            dirWatch.close();
            pluginWatch.close();
        };
        try {
            this.journalIds = JournalIds.current(system, options.callTimeout());
            this.domains = spawn(DomainDirectory.create(DomainEntity.Settings.fromConfig(system.settings().config()),
                    domainViews), "domains");
            for (String id : journalIds) {
                if (id.startsWith("domain-")) {
                    DomainId d = DomainId.of(Long.parseLong(id.substring("domain-".length())));
                    join(this.<DomainState>ask(domains,
                            r -> new DomainDirectory.Deliver(d, new DomainEntity.GetState(r))));
                }
            }
        } catch (RuntimeException | Error e) {
            // no model comes of this start: its watches must not keep the system and the gate reachable
            closeQuietly(journalWatch);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // removing a listener from a map does not fail; nothing else to release
        }
    }

    private <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
        CompletionStage<ActorRef<T>> spawned = AskPattern.<ModelRoot.Command, ActorRef<T>>ask(root,
                r -> new ModelRoot.Spawn<>(behavior, name, Props.empty(), r), options.callTimeout(),
                system.scheduler());
        return runtime == null ? spawned.toCompletableFuture().join()
                : runtime.await(spawned, "spawning " + name, options.callTimeout());
    }

    /**
     * Starts a model with its own ActorSystem on the journal under
     * {@code options.dataDir()}, recovering what it holds (every domain and
     * stream; SMMUs are re-added with {@link #addSmmu}). The journal is checked
     * first and refused if it cannot be trusted.
     *
     * @param options where the journal lives and how the model runs
     * @return the model, serving; close it with {@link #close}
     * @throws IllegalArgumentException if {@code options} is null
     * @throws ModelException of kind {@link ModelException.Kind#JOURNAL_UNAVAILABLE} when the directory cannot
     *         be used (not creatable or writable, below the free-space threshold, or in use by this or another
     *         process), naming the directory and the problem; of kind
     *         {@link ModelException.Kind#JOURNAL_DAMAGED} when the journal there cannot be trusted, naming the
     *         file, the entity and the range
     */
    public static IommuSim start(ModelOptions options) {
        arg(options, "options");
        try {
            return startOn(options);
        } catch (JournalUnavailableException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            String dir = options.dataDir().toString();
            throw new ModelException(ModelException.Kind.JOURNAL_UNAVAILABLE,
                    why.contains(dir) ? why : "journal at " + dir + " cannot be used: " + why, e);
        }
    }

    private static IommuSim startOn(ModelOptions options) {
        JournalSettings journal = JournalSettings.levelDb(options.dataDir()).withFsync(options.fsync()).prepare();
        long highestGsn;
        try {
            highestGsn = checkJournal(journal).highestGsn();
        } catch (RuntimeException e) {
            journal.release();
            throw e;
        }
        DeterministicRuntime runtime = options.execution() instanceof Execution.Deterministic d
                ? DeterministicRuntime.create(d.interleavingSeed()) : null;
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        ActorSystem<ModelRoot.Command> system;
        try {
            Config config = journal.toConfig().withFallback(ConfigFactory.load());
            system = runtime == null ? ActorSystem.create(ModelRoot.create(stopped), "iommu-sim", config)
                    : runtime.createSystem(ModelRoot.create(stopped), "iommu-sim", config);
        } catch (RuntimeException e) {
            if (runtime != null) {
                runtime.close();
            }
            journal.release();
            throw e;
        }
        // before any entity recovers or decides: new events are stamped above every recorded one
        org.iommusim.actors.causal.CausalClock.get(system).observe(highestGsn);
        try {
            return new IommuSim(system, true, journal, options, system, stopped);
        } catch (RuntimeException e) {
            stop(system, runtime);
            journal.release();
            throw e;
        }
    }

    /**
     * What recovery will read, checked before LevelDB or Pekko opens it
     * ({@link JournalCheck}, on a private copy: nothing is written there): a
     * directory with LevelDB files but no {@code CURRENT} (LevelDB would
     * create a new database over it), a MANIFEST or log that does not read, a
     * table missing or truncated, a table block whose checksum fails, a gap in
     * an entity's sequence numbers, a counter record that disagrees with the
     * events, a snapshot beyond its entity's events. A snapshot that does not
     * read is not damage when older snapshots or the events cover it:
     * recovery falls back to them (the snapshot store does so).
     */
    private static JournalCheck.Findings checkJournal(JournalSettings journal) {
        try {
            return JournalCheck.verify(journal.journalDir(), journal.snapshotDir(), journal.minFreeBytes());
        } catch (JournalDamagedException e) {
            throw new ModelException(ModelException.Kind.JOURNAL_DAMAGED, e.getMessage());
        } catch (JournalReadException e) {
            throw new JournalUnavailableException("journal not started: " + e.getMessage(), e);
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
     * Runs the model inside the caller's ActorSystem: reached through
     * {@link org.iommusim.actors.pekko.PekkoEmbedding#inside}, which documents it.
     */
    private static IommuSim inside(ActorSystem<?> system, ModelOptions options) {
        arg(system, "system");
        arg(options, "options");
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        ActorRef<ModelRoot.Command> root = system.systemActorOf(ModelRoot.create(stopped),
                "iommu-sim-" + INSIDE_SEQ.incrementAndGet(), Props.empty());
        try {
            return new IommuSim(system, false, null, options, root, stopped);
        } catch (RuntimeException e) {
            root.tell(new ModelRoot.Stop());
            throw e;
        }
    }

    // ---- SMMUs --------------------------------------------------------------

    /**
     * Adds (or, after a restart, re-attaches) SMMU {@code smmu-<index>} with
     * these capabilities, its translation pool and its VMID and ASID allocator
     * ({@code smmu-<index>/ids}). Returns once they have recovered and ids
     * released but not flushed before a restart have been flushed. Call it from
     * one thread at a time per index.
     *
     * @param index the SMMU's number, 0 or more
     * @param caps  what it advertises (IDR0-5: stages, widths, TBUs, queue sizes...)
     * @return the handle every other call takes
     * @throws IllegalArgumentException for a negative index or null caps
     * @throws ModelException DUPLICATE_SMMU when {@code smmu-<index>} is already added; CLOSED once closed
     */
    public Smmu addSmmu(int index, SmmuCapabilities caps) {
        if (index < 0) {
            throw new IllegalArgumentException("an SMMU index is 0 or more, got " + index);
        }
        arg(caps, "caps");
        gate.ensureOpen();
        String id = "smmu-" + index;
        if (smmus.containsKey(id)) {
            throw new ModelException(ModelException.Kind.DUPLICATE_SMMU, id + " is already added");
        }
        retireShards(id, caps);
        SmmuNode.Handles handles = new SmmuNode.Handles();
        SmmuNode.Setup setup = new SmmuNode.Setup(id, caps, SmmuEntity.Settings.fromConfig(system.settings().config()),
                TranslationWorker.Settings.defaults(), options.workersPerSmmu(), options.maxBurst(),
                SmmuNode.streamsOf(id, journalIds), List.of());
        ActorRef<SmmuNode.Command> node = spawn(SmmuNode.create(setup, handles, domainViews), id);
        ActorRef<IdEntity.Command> ids = spawn(IdEntity.create(id, caps, node, options.callTimeout()), id + "-ids");
        Smmu smmu = new Smmu(id, caps, node, handles, ids);
        join(smmuStateAsync(smmu)); // recovered and serving
        join(this.<IdState>ask(ids, IdEntity.AwaitRecovered::new)); // ids released before a restart flushed
        smmus.put(id, smmu);
        return smmu;
    }

    /**
     * Empties, before the SMMU serves, the TLBs its journal holds that no
     * worker will serve ({@link RetiredShard}): the TLBs of TBUs beyond this
     * run's TBU count, and every IOTLB shard ({@code <smmu>/iotlb-<k>}) of a
     * journal written before TBUs. No invalidation reaches them now, so a later
     * run must not recover what they held.
     */
    private void retireShards(String smmuId, SmmuCapabilities caps) {
        for (String pid : journalIds) {
            int k = indexAfter(pid, smmuId + "/iotlb-");
            String kind = "iotlb";
            if (k < 0) {
                k = indexAfter(pid, smmuId + "/tbu-");
                kind = "tbu";
                if (k < caps.tbuCount()) {
                    continue; // served (or not a TLB at all: k < 0)
                }
            }
            ActorRef<RetiredShard.Retire> shard = spawn(RetiredShard.create(pid), smmuId + "-retired-" + kind + "-" + k);
            join(this.<org.apache.pekko.Done>ask(shard, RetiredShard.Retire::new));
        }
    }

    /** The index {@code k} of {@code <prefix><k>}, or -1 when {@code pid} is not of that form. */
    private static int indexAfter(String pid, String prefix) {
        if (!pid.startsWith(prefix) || !pid.substring(prefix.length()).matches("\\d{1,9}")) {
            return -1;
        }
        return Integer.parseInt(pid.substring(prefix.length()));
    }

    // ---- interrupts -----------------------------------------------------------

    /**
     * Registers {@code listener} for {@code smmu}'s interrupts: event queue
     * records (EVTQ), event queue overflow, CMD_SYNC completion with CS=IRQ
     * (the MSI write) or CS=SEV, and global errors. It hears what the SMMU
     * raises from now on (nothing from recovery). See {@link SmmuListener} for
     * the threads the calls run on. Registering one listener twice makes it
     * hear everything twice.
     *
     * @throws IllegalArgumentException for a null argument or an SMMU of another model
     * @throws ModelException CLOSED once the model is closed
     */
    public void addListener(Smmu smmu, SmmuListener listener) {
        ours(smmu);
        arg(listener, "listener");
        gate.ensureOpen();
        Runnable remove = interrupts.add(smmu, smmu.handles.interrupts, listener);
        registrations.computeIfAbsent(listener, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(remove);
    }

    /**
     * Removes one registration of {@code listener} (for any SMMU).
     * Deliveries already queued for it still arrive. Callable from any thread.
     *
     * @param listener a registered listener
     * @return whether there was a registration to remove
     * @throws IllegalArgumentException if {@code listener} is null
     */
    public boolean removeListener(SmmuListener listener) {
        arg(listener, "listener");
        List<Runnable> rs = registrations.get(listener);
        if (rs == null || rs.isEmpty()) {
            return false;
        }
        rs.remove(0).run();
        return true;
    }

    /**
     * How many times a listener has thrown (each is logged; the listener stays
     * registered). Callable from any thread.
     *
     * @return the count since the model started
     */
    public long listenerFailures() {
        return interrupts.failures();
    }

    private final Map<SmmuListener, List<Runnable>> registrations = new ConcurrentHashMap<>();

    // ---- guest memory ---------------------------------------------------------

    /**
     * Attaches the embedder's memory to {@code smmu}: from now on, a walk of a stream whose CD says its stage-1
     * tables are the guest's own ({@link org.iommusim.protocol.config.Cd#withGuestTables}) reads each
     * descriptor there, at stage 2's output for the table's IPA. Entries already cached stay until
     * invalidated, as on hardware. {@code memory} is called on the model's translation threads (several at
     * once), must be thread-safe and must not call into the model; what it returns is journaled with the fill
     * it leads to. Callable from any thread.
     *
     * @param smmu   an SMMU of this model
     * @param memory the memory; {@link GuestMemory#NONE} detaches it (every read refused: F_WALK_EABT)
     * @throws IllegalArgumentException for a null argument or an SMMU of another model
     * @throws ModelException CLOSED once the model is closed
     */
    public void setGuestMemory(Smmu smmu, GuestMemory memory) {
        ours(smmu);
        arg(memory, "memory");
        gate.ensureOpen();
        smmu.handles.views.guestMemory(memory);
    }

    /**
     * The memory {@code smmu}'s walks of guest tables read. Callable from any thread.
     *
     * @param smmu an SMMU of this model
     * @return the memory last attached by {@link #setGuestMemory}, or {@link GuestMemory#NONE}
     * @throws IllegalArgumentException for a null argument or an SMMU of another model
     */
    public GuestMemory guestMemory(Smmu smmu) {
        ours(smmu);
        return smmu.handles.views.guestMemory();
    }

    /** Refuses a null SMMU or one of another model, on the caller's thread. */
    private void ours(Smmu smmu) {
        arg(smmu, "smmu");
        if (smmus.get(smmu.id()) != smmu) {
            throw new IllegalArgumentException(smmu.id() + " is not an SMMU of this model");
        }
    }

    /**
     * The SMMU added as {@code id}. Callable from any thread.
     *
     * @param id the SMMU's name, {@code smmu-<n>}
     * @return its handle
     * @throws IllegalArgumentException if {@code id} is null
     * @throws ModelException UNKNOWN_SMMU if no SMMU of that name was added
     */
    public Smmu smmu(String id) {
        arg(id, "id");
        Smmu s = smmus.get(id);
        if (s == null) {
            throw new ModelException(ModelException.Kind.UNKNOWN_SMMU, "no SMMU " + id + "; added: " + smmus.keySet());
        }
        return s;
    }

    // ---- VMIDs and ASIDs ------------------------------------------------------
    //
    // Tags belong to the SMMU, not to whoever drives it: every VMM or driver model on one SMMU takes its
    // VMIDs and ASIDs from that SMMU's allocator (smmu-<n>/ids), so two of them can never share a tag.

    /**
     * The lowest free VMID of {@code smmu} (1 up; VMID 0 tags host stage-1
     * translations), journaled. Never one in use, nor one released but not
     * yet flushed. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the VMID; fails with {@code ID_EXHAUSTED} when every VMID the advertised width
     *         (8 or 16 bits) allows is taken, {@code ID_UNSUPPORTED} on an SMMU without stage 2, CLOSED, TIMEOUT
     * @throws IllegalArgumentException if {@code smmu} is null
     */
    public CompletionStage<Integer> allocateVmidAsync(Smmu smmu) {
        return allocateIdAsync(smmu, IdKind.VMID);
    }

    /**
     * Blocking form of {@link #allocateVmidAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the VMID
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #allocateVmidAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public int allocateVmid(Smmu smmu) {
        return join(allocateVmidAsync(smmu));
    }

    /**
     * As {@link #allocateVmidAsync}, for the ASIDs of host stage-1 domains.
     *
     * @return completes with the ASID; fails with {@code ID_EXHAUSTED}, {@code ID_UNSUPPORTED} (no stage 1),
     *         CLOSED, TIMEOUT
     * @throws IllegalArgumentException if {@code smmu} is null
     */
    public CompletionStage<Integer> allocateAsidAsync(Smmu smmu) {
        return allocateIdAsync(smmu, IdKind.ASID);
    }

    /**
     * Blocking form of {@link #allocateAsidAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the ASID
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #allocateAsidAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public int allocateAsid(Smmu smmu) {
        return join(allocateAsidAsync(smmu));
    }

    /**
     * Releases a VMID as Linux frees a stage-2 domain: TLBI_S12_VMALL of the
     * VMID and CMD_SYNC go through the SMMU's command queue, and the VMID is
     * free again (journaled) once the sync has completed, which is when this
     * completes. Release only what no STE or CD in force still names. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes once the VMID is flushed and free; fails with {@code ID_NOT_IN_USE}, or
     *         {@code FLUSH_FAILED} (the queue halted or was full: the VMID stays reserved until a later release,
     *         an allocation that finds nothing else free, or a restart flushes it)
     * @throws IllegalArgumentException if {@code smmu} is null
     */
    public CompletionStage<Void> releaseVmidAsync(Smmu smmu, int vmid) {
        return releaseIdAsync(smmu, IdKind.VMID, vmid);
    }

    /**
     * Blocking form of {@link #releaseVmidAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #releaseVmidAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public void releaseVmid(Smmu smmu, int vmid) {
        join(releaseVmidAsync(smmu, vmid));
    }

    /**
     * As {@link #releaseVmidAsync}, for an ASID: its flush is TLBI_NH_ASID (VMID 0) and CMD_SYNC.
     *
     * @return completes once the ASID is flushed and free; fails as {@link #releaseVmidAsync} does
     * @throws IllegalArgumentException if {@code smmu} is null
     */
    public CompletionStage<Void> releaseAsidAsync(Smmu smmu, int asid) {
        return releaseIdAsync(smmu, IdKind.ASID, asid);
    }

    /**
     * Blocking form of {@link #releaseAsidAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #releaseAsidAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public void releaseAsid(Smmu smmu, int asid) {
        join(releaseAsidAsync(smmu, asid));
    }

    /** The allocator's state, internal form ({@link org.iommusim.actors.internal.ModelInternals#ids}). */
    private CompletionStage<IdState> idsAsync(Smmu smmu) {
        arg(smmu, "smmu");
        return gate.call(smmu.id() + "/ids", () -> this.<IdState>ask(smmu.ids, IdEntity.GetIds::new));
    }

    /**
     * The VMID and ASID allocator of {@code smmu}: per kind, the ids in use and
     * those released but awaiting their flush. Callable from any thread;
     * completes on a model thread (on the caller's in deterministic mode).
     *
     * @return a snapshot of the allocator
     * @throws IllegalArgumentException if {@code smmu} is null
     * @throws ModelException CLOSED once the model is closed, TIMEOUT after the call timeout
     */
    public CompletionStage<IdAllocations> idAllocationsAsync(Smmu smmu) {
        return idsAsync(smmu).thenApply(s -> new IdAllocations(s.vmids().inUseIds(), s.vmids().awaitingFlushIds(),
                s.asids().inUseIds(), s.asids().awaitingFlushIds()));
    }

    /** Blocking form of {@link #idAllocationsAsync}; throws its {@link ModelException}. */
    public IdAllocations idAllocations(Smmu smmu) {
        return join(idAllocationsAsync(smmu));
    }

    private CompletionStage<Integer> allocateIdAsync(Smmu smmu, IdKind kind) {
        return idCall(smmu, r -> new IdEntity.Allocate(kind, r)).thenApply(reply -> ((IdEntity.Granted) reply).id());
    }

    private CompletionStage<Void> releaseIdAsync(Smmu smmu, IdKind kind, int id) {
        return idCall(smmu, r -> new IdEntity.Release(kind, id, r)).thenApply(reply -> null);
    }

    private CompletionStage<IdEntity.Reply> idCall(Smmu smmu, Function<ActorRef<IdEntity.Reply>, IdEntity.Command> f) {
        arg(smmu, "smmu");
        return gate.call(smmu.id() + "/ids", () -> this.<IdEntity.Reply>ask(smmu.ids, f::apply).thenApply(reply -> {
            if (reply instanceof IdEntity.Refused r) {
                throw new ModelException(ModelException.Kind.named(r.kind()), r.reason());
            }
            return reply;
        }));
    }

    // ---- domains ------------------------------------------------------------

    /**
     * Allocates domain {@code id} with {@code spec} (stage, granule, address sizes, ASID or VMID) for use
     * on {@code on}, journaled. Domain ids are the caller's to choose and are never reused, also after a
     * free. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the journal sequence number of the allocation; fails with the allocation rule's
     *         kind: ALREADY_ALLOCATED, STAGE_UNSUPPORTED, ... (see docs/EMBEDDING.md, Errors), OVERLOADED, CLOSED
     * @throws IllegalArgumentException for a null argument
     */
    public CompletionStage<Long> allocateDomainAsync(DomainId id, DomainSpec spec, Smmu on) {
        arg(id, "id");
        arg(spec, "spec");
        arg(on, "on");
        return gate.call(id, () -> this.<DomainEntity.Reply>ask(domains,
                r -> new DomainDirectory.Allocate(id, spec, on.capabilities(), r)).thenApply(IommuSim::done));
    }

    /**
     * Blocking form of {@link #allocateDomainAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the journal sequence number of the allocation
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #allocateDomainAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long allocateDomain(DomainId id, DomainSpec spec, Smmu on) {
        return join(allocateDomainAsync(id, spec, on));
    }

    /**
     * Maps a scatter-gather batch into domain {@code id}, all or nothing,
     * journaled. A leaf becomes visible to translations once this completes
     * (no TLBI is needed for a new mapping). Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the event's sequence number once durable; fails with the page table's kind
     *         (OVERLAP, MISALIGNED, IOVA_BEYOND_IAS, PA_BEYOND_OAS, ZERO_SIZE, NO_ACCESS) and nothing changed, or
     *         UNKNOWN_DOMAIN, OVERLOADED, CLOSED, JOURNAL_FAILED
     * @throws IllegalArgumentException for a null argument
     */
    public CompletionStage<Long> mapAsync(DomainId id, MapBatch batch) {
        arg(batch, "batch");
        return domainCall(id, r -> new DomainEntity.Map(batch, r));
    }

    /**
     * Blocking form of {@link #mapAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the event's sequence number
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #mapAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long map(DomainId id, MapBatch batch) {
        return join(mapAsync(id, batch));
    }

    /**
     * Unmaps a scatter-gather batch, all or nothing, journaled. The TLBs may
     * still hold the old translations: invalidate (TLBI and CMD_SYNC) before
     * reusing the pages. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the event's sequence number once durable; fails with NOT_MAPPED, PARTIAL_UNMAP,
     *         MISALIGNED, ... and nothing changed, or UNKNOWN_DOMAIN, OVERLOADED, CLOSED
     * @throws IllegalArgumentException for a null argument
     */
    public CompletionStage<Long> unmapAsync(DomainId id, UnmapBatch batch) {
        arg(batch, "batch");
        return domainCall(id, r -> new DomainEntity.Unmap(batch, r));
    }

    /**
     * Blocking form of {@link #unmapAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the event's sequence number
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #unmapAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long unmap(DomainId id, UnmapBatch batch) {
        return join(unmapAsync(id, batch));
    }

    /**
     * Frees domain {@code id}, journaled; its id is never reused. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the event's sequence number; fails with UNKNOWN_DOMAIN, OVERLOADED, CLOSED
     * @throws IllegalArgumentException if {@code id} is null
     */
    public CompletionStage<Long> freeDomainAsync(DomainId id) {
        return domainCall(id, DomainEntity.Free::new);
    }

    /**
     * Blocking form of {@link #freeDomainAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the event's sequence number
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #freeDomainAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long freeDomain(DomainId id) {
        return join(freeDomainAsync(id));
    }

    /** The domain's published page table (immutable), if it is allocated: internal form. */
    private java.util.Optional<PageTable> pageTable(DomainId id) {
        arg(id, "id");
        return domainViews.get(id);
    }

    /**
     * What domain {@code id} maps: every leaf, in IOVA order, as of the last
     * acknowledged map or unmap. Reads the table the domain published, on
     * the caller's thread, without waiting; callable from any thread, also
     * after {@link #close} (then the last table published).
     *
     * @return the mappings, or empty when the domain is not allocated (never allocated, or freed)
     * @throws IllegalArgumentException if {@code id} is null
     */
    public java.util.Optional<Mappings> mappings(DomainId id) {
        return pageTable(id).map(t -> new Mappings(id, t.spec(), t.leaves().stream()
                .map(l -> new Mappings.Mapping(l.iova(), l.size(), l.level(), l.outputAddress(), l.perms())).toList(),
                t.digest()));
    }

    private CompletionStage<Long> domainCall(DomainId id, Function<ActorRef<DomainEntity.Reply>, DomainEntity.Command> f) {
        arg(id, "id");
        return gate.call(id, () -> this.<DomainEntity.Reply>ask(domains, r -> new DomainDirectory.Deliver(id, f.apply(r)))
                .thenApply(IommuSim::done));
    }

    private static long done(DomainEntity.Reply reply) {
        if (reply instanceof DomainEntity.Done d) {
            return d.sequenceNr();
        }
        DomainEntity.Refused r = (DomainEntity.Refused) reply;
        String kind = r.error().pageTable() != null ? r.error().pageTable().kind().name() : r.error().kind().name();
        throw new ModelException(ModelException.Kind.named(kind), r.error().message());
    }

    // ---- streams ------------------------------------------------------------

    /**
     * Writes the STE of {@code sid} into stream-table memory, journaled. It
     * takes effect after CFGI_STE (or CFGI_ALL) and a CMD_SYNC, as on the
     * hardware. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the journal sequence number of the write; fails with STREAM_REFUSED (a StreamID
     *         beyond SIDSIZE or the stream table, an STE the SMMU cannot hold), OVERLOADED, CLOSED
     * @throws IllegalArgumentException for a null argument
     */
    public CompletionStage<Long> writeSteAsync(Smmu smmu, int sid, Ste ste) {
        arg(ste, "ste");
        return streamCall(smmu, sid, r -> new StreamEntity.WriteSte(ste, r));
    }

    /**
     * Blocking form of {@link #writeSteAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the journal sequence number of the write
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #writeSteAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long writeSte(Smmu smmu, int sid, Ste ste) {
        return join(writeSteAsync(smmu, sid, ste));
    }

    /**
     * Writes CD {@code ssid} of {@code sid} into memory, journaled; effective
     * after CFGI_CD (or CFGI_STE) and a CMD_SYNC. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the journal sequence number of the write; fails with STREAM_REFUSED, OVERLOADED,
     *         CLOSED
     * @throws IllegalArgumentException for a null argument
     */
    public CompletionStage<Long> writeCdAsync(Smmu smmu, int sid, int ssid, Cd cd) {
        arg(cd, "cd");
        return streamCall(smmu, sid, r -> new StreamEntity.WriteCd(ssid, cd, r));
    }

    /**
     * Blocking form of {@link #writeCdAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the journal sequence number of the write
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #writeCdAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long writeCd(Smmu smmu, int sid, int ssid, Cd cd) {
        return join(writeCdAsync(smmu, sid, ssid, cd));
    }

    /**
     * Programs the stream table's format (SMMU_STRTAB_BASE_CFG): linear, or two-level when the SMMU
     * advertises it ({@link SmmuCapabilities#twoLevelStreamTables()}, IDR0.ST_LEVEL). Software does this
     * before enabling the SMMU, so it is refused (REJECTED) once a command was submitted. A two-level table
     * starts with every level-1 descriptor invalid: write them with {@link #writeL1Descriptor}.
     */
    public CompletionStage<Void> programStreamTableAsync(Smmu smmu, StreamTableFormat format) {
        arg(format, "format");
        return this.<SmmuEntity.SubmitReply>smmuCall(smmu, r -> new SmmuEntity.ProgramStreamTable(format, r))
                .thenApply(reply -> {
                    accepted(reply);
                    return null;
                });
    }

    /**
     * Blocking form of {@link #programStreamTableAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #programStreamTableAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public void programStreamTable(Smmu smmu, StreamTableFormat format) {
        join(programStreamTableAsync(smmu, format));
    }

    /**
     * Writes level-1 descriptor {@code index} of the two-level stream table (it covers StreamIDs
     * {@code index << SPLIT} on). The SMMU sees a newly valid descriptor at once (an invalid one is never
     * cached); a change to a valid one is seen after CFGI_STE (Leaf=0), CFGI_STE_RANGE or CFGI_ALL and a
     * CMD_SYNC. REJECTED for a linear table or an index beyond the level-1 table.
     */
    public CompletionStage<Void> writeL1DescriptorAsync(Smmu smmu, int index, L1Descriptor descriptor) {
        arg(descriptor, "descriptor");
        return this.<SmmuEntity.SubmitReply>smmuCall(smmu, r -> new SmmuEntity.WriteL1Descriptor(index, descriptor, r))
                .thenApply(reply -> {
                    accepted(reply);
                    return null;
                });
    }

    /**
     * Blocking form of {@link #writeL1DescriptorAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #writeL1DescriptorAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public void writeL1Descriptor(Smmu smmu, int index, L1Descriptor descriptor) {
        join(writeL1DescriptorAsync(smmu, index, descriptor));
    }

    private CompletionStage<Long> streamCall(Smmu smmu, int sid,
            Function<ActorRef<StreamEntity.Reply>, StreamEntity.Command> f) {
        arg(smmu, "smmu");
        return gate.call(smmu.id() + "/streams", () -> this.<StreamEntity.Reply>ask(smmu.node,
                r -> new SmmuNode.ToStream(sid, f.apply(r))).thenApply(reply -> {
                    if (reply instanceof StreamEntity.Written w) {
                        return w.sequenceNr();
                    }
                    throw new ModelException(ModelException.Kind.STREAM_REFUSED,
                            ((StreamEntity.Refused) reply).reason());
                }));
    }

    // ---- command queue ------------------------------------------------------

    /**
     * Writes raw 16-byte entries at the command queue's PROD and moves PROD
     * past them, as a driver does; the SMMU consumes them in order. An entry
     * the SMMU cannot execute halts the queue (CERROR_ILL...) at it: see
     * {@link #resume}. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the new producer index; fails with QUEUE_FULL (no room for all: nothing
     *         written), REJECTED, OVERLOADED, CLOSED
     * @throws IllegalArgumentException for a null list or entry
     */
    public CompletionStage<Long> submitRawAsync(Smmu smmu, List<RawCommand> entries) {
        List<RawCommand> copy = checkedCopy(entries);
        return this.<SmmuEntity.SubmitReply>smmuCall(smmu, r -> new SmmuEntity.Submit(copy, r)).thenApply(IommuSim::accepted);
    }

    /**
     * Blocking form of {@link #submitRawAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the new producer index
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #submitRawAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long submitRaw(Smmu smmu, List<RawCommand> entries) {
        return join(submitRawAsync(smmu, entries));
    }

    /**
     * Encodes and submits commands, as {@link #submitRawAsync}.
     *
     * @return completes with the new producer index; fails as {@link #submitRawAsync}
     * @throws IllegalArgumentException for a null list or command
     */
    public CompletionStage<Long> submitAsync(Smmu smmu, List<? extends Command> commands) {
        return submitRawAsync(smmu, encoded(commands));
    }

    private static List<RawCommand> checkedCopy(List<RawCommand> entries) {
        arg(entries, "entries");
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == null) {
                throw new IllegalArgumentException("entry " + i + " of the submission is null");
            }
        }
        return List.copyOf(entries);
    }

    private static List<RawCommand> encoded(List<? extends Command> commands) {
        arg(commands, "commands");
        List<RawCommand> raws = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            if (c == null) {
                throw new IllegalArgumentException("command " + i + " of the submission is null");
            }
            raws.add(c.encode());
        }
        return raws;
    }

    /**
     * Blocking form of {@link #submitAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the new producer index
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #submitAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long submit(Smmu smmu, List<? extends Command> commands) {
        return join(submitAsync(smmu, commands));
    }

    /**
     * Completes when the consumer has passed entry {@code index} (for a
     * CMD_SYNC: when the sync has completed, so every invalidation before it
     * has taken effect). Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the consumer index; fails with {@code CERROR_ILL} (or another CERROR_ kind) when
     *         the queue halts at or before the entry, CLOSED, TIMEOUT
     * @throws IllegalArgumentException for a null SMMU or a negative index
     */
    public CompletionStage<Long> awaitConsumedAsync(Smmu smmu, long index) {
        if (index < 0) {
            throw new IllegalArgumentException("a queue index is 0 or more, got " + index);
        }
        arg(smmu, "smmu");
        return gate.call(smmu.id(), () -> this.<SmmuEntity.ConsumeReply>ask(smmu.node,
                r -> new SmmuNode.ToSmmu(new SmmuEntity.AwaitConsumed(index, r))), false)
                .thenApply(IommuSim::consumed);
    }

    /** The consumer index once past the awaited entry; a halted queue fails with its CERROR. */
    private static long consumed(SmmuEntity.SubmitReply reply) {
        if (reply instanceof SmmuEntity.ConsumedPast c) {
            return c.cons();
        }
        if (reply instanceof SmmuEntity.QueueHalted h) {
            var e = h.error();
            throw new ModelException(ModelException.Kind.named("CERROR_" + e.code()),
                    "command queue halted at entry " + e.index() + ": " + e.reason());
        }
        return accepted(reply); // refused at submission: QUEUE_FULL or REJECTED, with the reason
    }

    /**
     * Blocking form of {@link #awaitConsumedAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the consumer index
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #awaitConsumedAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long awaitConsumed(Smmu smmu, long index) {
        return join(awaitConsumedAsync(smmu, index));
    }

    /**
     * Submits and waits until every entry is consumed, as a driver polling
     * CMDQ_CONS does. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the consumer index; fails as {@link #submitAsync} and {@link #awaitConsumedAsync}
     * @throws IllegalArgumentException for a null list or command
     */
    public CompletionStage<Long> submitAndWaitAsync(Smmu smmu, List<? extends Command> commands) {
        return submitRawAndWaitAsync(smmu, encoded(commands));
    }

    /**
     * Submits raw entries, as {@link #submitRawAsync}, and waits until every one is consumed, as a driver polling
     * CMDQ_CONS does. One request to the SMMU: it answers once its consumer has passed the last entry (after the
     * CMD_SYNCs among them have completed), or the queue halts at or before it. Callable from any thread; the stage
     * completes on a model thread (in deterministic mode, on the caller's, inside a blocking call or
     * {@link #runUntilIdle}).
     *
     * @return completes with the consumer index; fails as {@link #submitRawAsync} (nothing written) and as
     *         {@link #awaitConsumedAsync} (a CERROR_ kind when the queue halts at or before the last entry)
     * @throws IllegalArgumentException for a null list or entry
     */
    public CompletionStage<Long> submitRawAndWaitAsync(Smmu smmu, List<RawCommand> entries) {
        List<RawCommand> copy = checkedCopy(entries);
        return this.<SmmuEntity.SubmitReply>smmuCall(smmu, r -> new SmmuEntity.Submit(copy, true, r))
                .thenApply(IommuSim::consumed);
    }

    /**
     * Blocking form of {@link #submitRawAndWaitAsync}: waits for the answer at most the call timeout (in deterministic
     * mode, running the model on this thread).
     *
     * @return the consumer index
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #submitRawAndWaitAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long submitRawAndWait(Smmu smmu, List<RawCommand> entries) {
        return join(submitRawAndWaitAsync(smmu, entries));
    }

    /**
     * Blocking form of {@link #submitAndWaitAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the consumer index
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #submitAndWaitAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long submitAndWait(Smmu smmu, List<? extends Command> commands) {
        return join(submitAndWaitAsync(smmu, commands));
    }

    /**
     * Acknowledges a command queue error (CERROR) and resumes consumption at
     * the entry it halted at: {@code replacement}, when not null, overwrites
     * that entry first (as Linux writes a CMD_SYNC over it); null retries it
     * as it is. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the producer index; fails with REJECTED when the queue is not halted, CLOSED
     * @throws IllegalArgumentException if {@code smmu} is null
     */
    public CompletionStage<Long> resumeAsync(Smmu smmu, RawCommand replacement) {
        return this.<SmmuEntity.SubmitReply>smmuCall(smmu, r -> new SmmuEntity.Resume(replacement, r)).thenApply(IommuSim::accepted);
    }

    /**
     * Blocking form of {@link #resumeAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the producer index
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #resumeAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long resume(Smmu smmu, RawCommand replacement) {
        return join(resumeAsync(smmu, replacement));
    }

    private <T> CompletableFuture<T> smmuCall(Smmu smmu, Function<ActorRef<T>, SmmuEntity.Command> f) {
        arg(smmu, "smmu");
        return gate.call(smmu.id(), () -> this.<T>ask(smmu.node, r -> new SmmuNode.ToSmmu(f.apply(r))));
    }

    private static long accepted(SmmuEntity.SubmitReply reply) {
        if (reply instanceof SmmuEntity.Accepted a) {
            return a.prod();
        }
        String reason = ((SmmuEntity.Rejected) reply).reason();
        throw new ModelException(reason.startsWith("queue full") ? ModelException.Kind.QUEUE_FULL
                : ModelException.Kind.REJECTED, reason);
    }

    private CompletionStage<SmmuState> smmuStateAsync(Smmu smmu) {
        return smmuCall(smmu, SmmuEntity.GetState::new);
    }

    /**
     * What {@code smmu} holds now: its command and event queues, stream table
     * and configuration cache, read at one instant. Callable from any thread;
     * completes on a model thread (on the caller's in deterministic mode).
     *
     * @return a read-only snapshot
     * @throws IllegalArgumentException if {@code smmu} is null
     * @throws ModelException CLOSED once the model is closed, OVERLOADED with too many calls in flight to
     *         the SMMU, TIMEOUT after the call timeout
     */
    public CompletionStage<SmmuView> smmuViewAsync(Smmu smmu) {
        arg(smmu, "smmu");
        return smmuStateAsync(smmu).thenApply(s -> view(smmu, s));
    }

    /** Blocking form of {@link #smmuViewAsync}; throws its {@link ModelException}. */
    public SmmuView smmuView(Smmu smmu) {
        return join(smmuViewAsync(smmu));
    }

    private static SmmuView view(Smmu smmu, SmmuState s) {
        var q = s.queue();
        var cq = new SmmuView.CommandQueue(q.capacity(), q.prod(), q.cons(), java.util.Optional.ofNullable(q.error())
                .map(e -> new SmmuView.QueueError(e.index(), e.code(), e.reason())));
        var e = s.events();
        var eq = new SmmuView.EventQueue(e.capacity(), e.records(), e.overflow(), e.lost(), e.recorded(), e.consumed());
        var t = s.config().table();
        var st = new SmmuView.StreamTable(java.util.Optional.ofNullable(t.format()), t.log2Size(), t.memory(), t.cached());
        Map<Integer, SmmuView.StreamConfig> streams = new HashMap<>();
        s.config().streams().forEach((sid, c) -> streams.put(sid, new SmmuView.StreamConfig(c.ste(), c.cds())));
        return new SmmuView(smmu.id(), cq, eq, st, streams, s.invalidationsIssued(), s.syncsCompleted());
    }

    // ---- translation --------------------------------------------------------

    /**
     * The hot path: a long-lived port for bursts and single requests with
     * callbacks (see {@link TranslationPort}). Cheap; callable from any thread.
     *
     * @return a port on {@code smmu}'s translation pool
     * @throws IllegalArgumentException if {@code smmu} is null
     * @throws ModelException CLOSED once the model is closed
     */
    public TranslationPort translationPort(Smmu smmu) {
        arg(smmu, "smmu");
        gate.ensureOpen();
        return new TranslationPort(smmu, smmu.handles.pool(), gate);
    }

    /**
     * Translates one transaction through {@code smmu}'s TBU (micro-TLB and
     * TLB), then its TCU (walk caches and walk); a fault is written to the event
     * queue. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}). It fails with TIMEOUT after the call timeout in the
     * threaded mode (a {@link TranslationPort} has no timer: it is faster).
     *
     * @return completes with the result: {@code Translated}, {@code Faulted} (the event record; see
     *         {@link FaultDetail#of(TranslationResult)}) or {@code Terminated}; a fault is an answer, not a failure.
     *         Fails with CLOSED, TIMEOUT
     * @throws IllegalArgumentException for a null argument
     */
    public CompletionStage<TranslationResult> translateAsync(Smmu smmu, TranslationRequest request) {
        arg(smmu, "smmu");
        arg(request, "request");
        CompletableFuture<TranslationResult> f = gate.track(new CompletableFuture<>());
        if (!f.isDone()) {
            smmu.handles.pool().translate(request, o -> f.complete(o.result()));
        }
        return bounded(f, "translation");
    }

    /**
     * Blocking form of {@link #translateAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the result
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #translateAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public TranslationResult translate(Smmu smmu, TranslationRequest request) {
        org.iommusim.persistence.translate.Outcome o = direct(smmu, request, false);
        return o != null ? o.result() : await(translateAsync(smmu, request), "translation");
    }

    /**
     * Deterministic mode, the model at rest: the translation served on this thread by its worker's handler
     * ({@link org.iommusim.actors.translate.TranslationPool#translateDirect}); null when it must go through the
     * worker's mailbox, or in the threaded mode.
     */
    private org.iommusim.persistence.translate.Outcome direct(Smmu smmu, TranslationRequest request, boolean traced) {
        if (runtime == null) {
            return null;
        }
        arg(smmu, "smmu");
        arg(request, "request");
        gate.ensureOpen();
        if (!runtime.idle()) {
            return null;
        }
        // at rest, the worker's turn would be the only one to run: run its handler here, no round trip
        org.iommusim.persistence.translate.Outcome o = smmu.handles.pool().translateDirect(request, traced);
        if (o != null) {
            interrupts.deliverPending(); // as a blocking call does after its own work
        }
        return o;
    }

    /** Blocking form of the traced translation (the simulation's, one per DMA). */
    private TranslationWorker.Traced translateTraced(Smmu smmu, TranslationRequest request) {
        org.iommusim.persistence.translate.Outcome o = direct(smmu, request, true);
        return o != null ? TranslationWorker.Traced.of(o) : await(translateTracedAsync(smmu, request), "translation");
    }

    /** A translation with how it was answered (hit, miss, configuration) and the walk's descriptor reads. */
    private CompletionStage<TranslationWorker.Traced> translateTracedAsync(Smmu smmu, TranslationRequest request) {
        return translateTracedAsync(smmu, request, true);
    }

    /** {@code traced}: with the walk's descriptor reads; without, {@link TranslationWorker.Traced#walk()} is NONE. */
    private CompletionStage<TranslationWorker.Traced> translateTracedAsync(Smmu smmu, TranslationRequest request,
            boolean traced) {
        arg(smmu, "smmu");
        arg(request, "request");
        CompletableFuture<TranslationWorker.Traced> f = gate.track(new CompletableFuture<>());
        if (!f.isDone()) {
            smmu.handles.pool().translate(request, traced, o -> f.complete(TranslationWorker.Traced.of(o)));
        }
        return bounded(f, "translation");
    }

    /**
     * Blocking: how a translation was answered (path, walk steps, evictions, configuration reads) without
     * tracing its walk, which costs a trace and a descriptor list per miss that the simulation never reads.
     */
    private TranslationWorker.Traced translateCounted(Smmu smmu, TranslationRequest request) {
        org.iommusim.persistence.translate.Outcome o = direct(smmu, request, false);
        return o != null ? TranslationWorker.Traced.of(o)
                : await(translateTracedAsync(smmu, request, false), "translation");
    }

    /**
     * A translation with how it was answered: the path (configuration, TLB
     * hit, TLB miss and walk), the walk's descriptor reads, the fill's
     * evictions, and the fault's typed fields. As {@link #translateAsync}
     * otherwise (the same caches, counters and event records).
     *
     * @return completes with the detail; a fault is an answer, not a failure
     * @throws IllegalArgumentException for a null argument
     * @throws ModelException (in the stage) CLOSED once the model is closed, TIMEOUT after the call timeout
     */
    public CompletionStage<TranslationDetail> translateDetailedAsync(Smmu smmu, TranslationRequest request) {
        return translateTracedAsync(smmu, request).thenApply(IommuSim::detail);
    }

    /** Blocking form of {@link #translateDetailedAsync}; throws its {@link ModelException}. */
    public TranslationDetail translateDetailed(Smmu smmu, TranslationRequest request) {
        return detail(translateTraced(smmu, request));
    }

    private static TranslationDetail detail(TranslationWorker.Traced t) {
        return new TranslationDetail(t.result(), t.path().published(), t.walkSteps(), t.evictions(), t.configReads(),
                t.walk());
    }

    /**
     * Up to {@link ModelOptions#maxBurst()} translations, one answer, results
     * in request order. The list form of {@link TranslationPort#submit}; the
     * port is the faster one. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with one result per request, in order; fails with BURST_EMPTY (an empty list, as
     *         the port refuses an empty burst), BURST_TOO_LARGE (above the limit), CLOSED, TIMEOUT
     * @throws IllegalArgumentException for a null list or request
     */
    public CompletionStage<List<TranslationResult>> translateBurstAsync(Smmu smmu, List<TranslationRequest> requests) {
        arg(smmu, "smmu");
        arg(requests, "requests");
        int max = smmu.handles.pool().maxBurst();
        if (requests.isEmpty()) {
            return CompletableFuture.failedFuture(new ModelException(ModelException.Kind.BURST_EMPTY,
                    "a burst holds 1 to " + max + " requests, got 0"));
        }
        if (requests.size() > max) {
            return CompletableFuture.failedFuture(new ModelException(ModelException.Kind.BURST_TOO_LARGE,
                    "a burst holds 1 to " + max + " requests, got " + requests.size()));
        }
        TranslationBurst burst = new TranslationBurst(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            burst.add(arg(requests.get(i), "request " + i));
        }
        CompletableFuture<TranslationBurst> answered;
        try {
            answered = translationPort(smmu).submit(burst);
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        }
        return bounded(answered, "burst translation").thenApply(b -> {
            List<TranslationResult> out = new ArrayList<>(b.size());
            for (int i = 0; i < b.size(); i++) {
                out.add(b.result(i));
            }
            return out;
        });
    }

    /**
     * Blocking form of {@link #translateBurstAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return one result per request, in order
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #translateBurstAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public List<TranslationResult> translateBurst(Smmu smmu, List<TranslationRequest> requests) {
        return await(translateBurstAsync(smmu, requests), "burst translation");
    }

    // ---- event queue and statistics -------------------------------------------

    /**
     * Up to {@code max} queued event records, oldest first, without consuming
     * them ({@link #acknowledgeEventsAsync} does). Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the records (an unmodifiable list); fails with CLOSED, TIMEOUT
     * @throws IllegalArgumentException for a null SMMU or a negative {@code max}
     */
    public CompletionStage<List<SmmuEvent>> readEventsAsync(Smmu smmu, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max is 0 or more, got " + max);
        }
        return this.<SmmuEntity.EventQueueView>smmuCall(smmu, r -> new SmmuEntity.ReadEvents(max, r))
                .thenApply(SmmuEntity.EventQueueView::records);
    }

    /**
     * Blocking form of {@link #readEventsAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the records, oldest first
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #readEventsAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public List<SmmuEvent> readEvents(Smmu smmu, int max) {
        return join(readEventsAsync(smmu, max));
    }

    /**
     * Consumes the first {@code count} queued records (moves EVTQ_CONS),
     * journaled. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the command queue's PROD; fails with REJECTED (more than are queued), CLOSED
     * @throws IllegalArgumentException for a null SMMU or a negative {@code count}
     */
    public CompletionStage<Long> acknowledgeEventsAsync(Smmu smmu, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count is 0 or more, got " + count);
        }
        return this.<SmmuEntity.SubmitReply>smmuCall(smmu, r -> new SmmuEntity.AcknowledgeEvents(count, r)).thenApply(IommuSim::accepted);
    }

    /**
     * Blocking form of {@link #acknowledgeEventsAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the command queue's PROD
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #acknowledgeEventsAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public long acknowledgeEvents(Smmu smmu, int count) {
        return join(acknowledgeEventsAsync(smmu, count));
    }

    private static List<TcuCacheStatistics> tcuStatistics(org.iommusim.persistence.tcu.Tcu tcu) {
        if (tcu == null) {
            return List.of();
        }
        return tcu.stats().stream().map(c -> new TcuCacheStatistics(c.name(), c.capacity(), c.size(), c.lookups(),
                c.hits(), c.misses(), c.fills(), c.evictions(), c.invalidations(), c.freedTableReads())).toList();
    }

    /**
     * The translation counters of {@code smmu}: TLB hits, misses, fills,
     * evictions, invalidations, per stream and per TBU, and the TCU caches'.
     * Counters are volatile (not journaled): they start at zero with each
     * start. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with a snapshot; fails with CLOSED, TIMEOUT
     * @throws IllegalArgumentException if {@code smmu} is null
     */
    public CompletionStage<SmmuStatistics> statisticsAsync(Smmu smmu) {
        arg(smmu, "smmu");
        List<CompletableFuture<TranslationWorker.ShardReport>> reports = new ArrayList<>();
        for (var w : smmu.handles.pool().workers()) {
            reports.add(gate.call(smmu.id() + "/pool",
                    () -> this.<TranslationWorker.ShardReport>ask(w, TranslationWorker.GetShard::new)));
        }
        return CompletableFuture.allOf(reports.toArray(new CompletableFuture[0])).thenApply(v -> {
            long hits = 0, misses = 0, fills = 0, evictions = 0, removed = 0;
            Map<CommandOpcode, Long> inv = new EnumMap<>(CommandOpcode.class);
            Map<Integer, StreamStats> streams = new HashMap<>();
            java.util.TreeMap<Integer, TbuStatistics> tbus = new java.util.TreeMap<>();
            boolean first = true;
            for (var f : reports) {
                for (TranslationWorker.TbuReport r : f.join().tbus()) {
                    if (first) {
                        // every TBU receives every invalidation the SMMU consumed: count them once
                        r.stats().invalidations().forEach((k, n) -> inv.merge(k, n, Long::sum));
                        first = false;
                    }
                    long microHits = r.micro().map(m -> m.hits()).orElse(0L);
                    hits += r.stats().hits() + microHits;
                    misses += r.stats().misses();
                    fills += r.stats().fills();
                    evictions += r.stats().evictions();
                    removed += r.stats().entriesRemoved();
                    r.streams().forEach((sid, s) -> streams.merge(sid, s, StreamStats::plus));
                    var c = r.snapshot().config();
                    tbus.put(r.tbu(), new TbuStatistics(r.tbu(),
                            tlbStatistics(r.snapshot().entries().size(), c.capacity(), c.ways(), c.policy(), r.stats()),
                            r.micro().map(m -> tlbStatistics(r.microSize(), c.microEntries(), c.microEntries(), c.microPolicy(), m))));
                }
            }
            Map<Integer, StreamStatistics> perStream = new java.util.TreeMap<>();
            streams.forEach((sid, s) -> perStream.put(sid,
                    new StreamStatistics(s.hits(), s.misses(), s.walks(), s.configAnswers(), s.faults())));
            return new SmmuStatistics(hits, misses, fills, evictions, inv, removed, perStream, List.copyOf(tbus.values()),
                    tcuStatistics(smmu.handles.tcu()));
        });
    }

    private static TlbStatistics tlbStatistics(int entries, int capacity, int ways,
            org.iommusim.protocol.capability.IotlbPolicy policy, org.iommusim.persistence.iotlb.IotlbStats s) {
        long tlbis = 0;
        for (long n : s.invalidations().values()) {
            tlbis += n;
        }
        return new TlbStatistics(entries, capacity, ways, policy,
                s.hits(), s.misses(), s.fills(), s.evictions(), s.flushes(), tlbis, s.entriesRemoved());
    }

    /**
     * Blocking form of {@link #statisticsAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return a snapshot
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #statisticsAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public SmmuStatistics statistics(Smmu smmu) {
        return join(statisticsAsync(smmu));
    }

    /**
     * What the TBU TLBs of {@code smmu} hold now, TBU by TBU (each TLB in its
     * replacement order): for audits of what the caches can still translate
     * (the simulation checker's, at every CMD_SYNC completion). A micro-TLB is
     * inclusive of its TLB, so the TLB's entries are all it can hold. Callable from any thread; the stage completes on a model thread (in deterministic mode, on the caller's,
     * inside a blocking call or {@link #runUntilIdle}).
     *
     * @return completes with the entries (an unmodifiable list); fails with CLOSED, TIMEOUT
     * @throws IllegalArgumentException if {@code smmu} is null
     */
    public CompletionStage<List<CachedTranslation>> cachedTranslationsAsync(Smmu smmu) {
        arg(smmu, "smmu");
        List<CompletableFuture<TranslationWorker.ShardReport>> reports = new ArrayList<>();
        for (var w : smmu.handles.pool().workers()) {
            reports.add(gate.call(smmu.id() + "/pool",
                    () -> this.<TranslationWorker.ShardReport>ask(w, TranslationWorker.GetShard::new)));
        }
        return CompletableFuture.allOf(reports.toArray(new CompletableFuture[0])).thenApply(v -> {
            java.util.TreeMap<Integer, List<CachedTranslation>> byTbu = new java.util.TreeMap<>();
            for (var f : reports) {
                for (TranslationWorker.TbuReport r : f.join().tbus()) {
                    List<CachedTranslation> out = new ArrayList<>(r.snapshot().entries().size());
                    for (var e : r.snapshot().entries()) {
                        out.add(new CachedTranslation(smmu.id(), r.tbu(), e));
                    }
                    byTbu.put(r.tbu(), out);
                }
            }
            List<CachedTranslation> all = new ArrayList<>();
            byTbu.values().forEach(all::addAll);
            return all;
        });
    }

    /**
     * What the TBU TLBs of {@code smmu} hold now for one translation context
     * over one input range: the entries of {@link #cachedTranslationsAsync(Smmu)}
     * tagged ({@code kind}, {@code vmid}, {@code asid}) whose input span meets
     * {@code [from, to)}, in the same order. Over a few pages it looks up a
     * handful of addresses instead of copying every TLB (the simulation
     * checker's audit asks this of each unmapped range at every CMD_SYNC).
     * Callable from any thread; the stage completes on a model thread (in
     * deterministic mode, on the caller's, inside a blocking call or {@link #runUntilIdle}).
     *
     * @param smmu the SMMU whose TLBs to read
     * @param kind the entries' kind (the translation regime they were filled for)
     * @param vmid their VMID tag
     * @param asid their ASID tag; -1 for stage-2 entries, which have none
     * @param from the first input address of the range
     * @param to   the input address after the range (unsigned; {@code from >= to} gives no entries)
     * @return completes with the entries (an unmodifiable list); fails with CLOSED, TIMEOUT
     * @throws IllegalArgumentException if {@code smmu} or {@code kind} is null
     */
    public CompletionStage<List<CachedTranslation>> cachedTranslationsAsync(Smmu smmu, CachedTranslation.Kind kind,
            int vmid, int asid, long from, long to) {
        arg(smmu, "smmu");
        arg(kind, "kind");
        org.iommusim.persistence.iotlb.IotlbEntry.Kind k = kindOf(kind);
        List<CompletableFuture<TranslationWorker.EntriesReport>> reports = new ArrayList<>();
        for (var w : smmu.handles.pool().workers()) {
            reports.add(gate.call(smmu.id() + "/pool", () -> this.<TranslationWorker.EntriesReport>ask(w,
                    r -> new TranslationWorker.GetEntries(k, vmid, asid, from, to, r))));
        }
        return CompletableFuture.allOf(reports.toArray(new CompletableFuture[0]))
                .thenApply(v -> cached(smmu, reports.stream().map(CompletableFuture::join).toList()));
    }

    /** The workers' reports as one list, TBU by TBU. */
    private static List<CachedTranslation> cached(Smmu smmu, List<TranslationWorker.EntriesReport> reports) {
        java.util.TreeMap<Integer, List<org.iommusim.persistence.iotlb.IotlbEntry>> byTbu = new java.util.TreeMap<>();
        for (var r : reports) {
            byTbu.putAll(r.byTbu());
        }
        List<CachedTranslation> all = new ArrayList<>();
        byTbu.forEach((tbu, es) -> es.forEach(e -> all.add(new CachedTranslation(smmu.id(), tbu, e))));
        return java.util.Collections.unmodifiableList(all);
    }

    private static org.iommusim.persistence.iotlb.IotlbEntry.Kind kindOf(CachedTranslation.Kind kind) {
        return switch (kind) {
            case STAGE1 -> org.iommusim.persistence.iotlb.IotlbEntry.Kind.STAGE1;
            case STAGE2 -> org.iommusim.persistence.iotlb.IotlbEntry.Kind.STAGE2;
            case NESTED -> org.iommusim.persistence.iotlb.IotlbEntry.Kind.NESTED;
        };
    }

    /**
     * Blocking form of {@link #cachedTranslationsAsync(Smmu, CachedTranslation.Kind, int, int, long, long)}: waits
     * for the answer at most the call timeout (in deterministic mode, running the model on this thread; in its
     * FIFO order the turns already queued run first, and the TLBs are then read here, with no ask to each worker).
     *
     * @param smmu the SMMU whose TLBs to read
     * @param kind the entries' kind
     * @param vmid their VMID tag
     * @param asid their ASID tag; -1 for stage-2 entries
     * @param from the first input address of the range
     * @param to   the input address after the range
     * @return the entries
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as the asynchronous form fails: its {@link ModelException#kind()} names the reason
     */
    public List<CachedTranslation> cachedTranslations(Smmu smmu, CachedTranslation.Kind kind, int vmid, int asid,
            long from, long to) {
        if (runtime != null && kind != null && smmu != null && !gate.isStopped()) {
            if (runtime.interleavingSeed().isEmpty()) {
                // FIFO: the turns already queued run first (not the timers due now, which an ask would leave
                // after its answer), so the read sees all the work earlier calls queued
                runtime.executor().runUntilIdle();
            }
            // at rest the workers' turns would be the only ones to run: read their TLBs here, no ask each
            List<TranslationWorker.EntriesReport> direct = runtime.idle()
                    ? smmu.handles.pool().entriesDirect(kindOf(kind), vmid, asid, from, to) : null;
            if (direct != null) {
                interrupts.deliverPending(); // as a blocking call does after its own work
                return cached(smmu, direct);
            }
        }
        return join(cachedTranslationsAsync(smmu, kind, vmid, asid, from, to));
    }

    /**
     * Blocking form of {@link #cachedTranslationsAsync}: waits for the answer at most the call timeout (in deterministic mode,
     * running the model on this thread).
     *
     * @return the entries
     * @throws IllegalArgumentException for a null argument (on the caller's thread, before any actor sees it)
     * @throws ModelException as {@link #cachedTranslationsAsync} fails: its {@link ModelException#kind()} names the reason
     */
    public List<CachedTranslation> cachedTranslations(Smmu smmu) {
        return join(cachedTranslationsAsync(smmu));
    }

    /**
     * What the TCU of {@code smmu} holds now: every walk-cache entry (stage 1
     * levels 0-3, then stage 2), then every IPA-cache entry, each cache least
     * recently used first, read at one instant (no invalidation half applied).
     * For audits of what the TCU can still lead a walk to (the simulation
     * checker's, at every CMD_SYNC completion); empty for an SMMU with no
     * translation pool or with its TCU caches off. Read directly from the
     * TCU the SMMU's workers share, on the caller's thread.
     *
     * @throws IllegalArgumentException if {@code smmu} is null
     * @throws ModelException once the model stopped (CLOSED after {@link #close})
     */
    public List<CachedWalk> cachedWalks(Smmu smmu) {
        arg(smmu, "smmu");
        ModelException refused = gate.refusal();
        if (refused != null) {
            throw refused;
        }
        org.iommusim.persistence.tcu.Tcu tcu = smmu.handles.tcu();
        if (tcu == null) {
            return List.of();
        }
        List<CachedWalk> out = new ArrayList<>();
        for (org.iommusim.persistence.tcu.TcuEvent e : tcu.snapshot().fills()) {
            if (e instanceof org.iommusim.persistence.tcu.TcuEvent.WalkFilled f) {
                out.add(new CachedWalk(smmu.id(), f.stage(), f.level(), f.entry(), domainViews));
            } else if (e instanceof org.iommusim.persistence.tcu.TcuEvent.IpaFilled f) {
                out.add(new CachedWalk(smmu.id(), f.entry(), domainViews));
            }
        }
        return out;
    }

    /**
     * The STE the next translation of {@code sid} on {@code smmu} would use, looking nothing up: with the
     * TCU's configuration cache unbounded (the default) the one CFGI last loaded; bounded
     * ({@code TcuCaches.configCache}), the cached STE while it is held, else the one in the stream table (what
     * software wrote), which a miss would read. An invalid STE for a StreamID never written or not reached.
     * For audits (the simulation checker's, at a CMD_SYNC meant to cover an STE write). Read on the caller's
     * thread from what the SMMU published and the TCU its workers share.
     *
     * @throws IllegalArgumentException if {@code smmu} is null
     * @throws ModelException once the model stopped (CLOSED after {@link #close})
     */
    public Ste steInForce(Smmu smmu, int sid) {
        return configInForce(smmu, sid).ste();
    }

    /** As {@link #steInForce}, the CD at {@code ssid}; null when none is in force there. */
    public Cd cdInForce(Smmu smmu, int sid, int ssid) {
        return configInForce(smmu, sid).cd(ssid);
    }

    private org.iommusim.persistence.config.StreamConfig configInForce(Smmu smmu, int sid) {
        arg(smmu, "smmu");
        ModelException refused = gate.refusal();
        if (refused != null) {
            throw refused;
        }
        org.iommusim.persistence.tcu.Tcu tcu = smmu.handles.tcu();
        org.iommusim.persistence.config.ConfigCache config = smmu.handles.views.config();
        return tcu == null ? config.effective(sid) : tcu.configInForce(config, sid, smmu.handles.memory);
    }

    // ---- lifecycle ------------------------------------------------------------

    /**
     * True once {@link #close} has been called (or the journal failed): calls
     * are refused. Callable from any thread.
     *
     * @return whether the model has stopped serving
     */
    public boolean isClosed() {
        return gate.isStopped();
    }

    /**
     * Stops the model and releases its journal directory; idempotent (a second
     * call returns once the first has finished). From the start of the close,
     * every pending call fails with CLOSED, and every later call fails at once
     * with CLOSED; translations in flight are answered as terminated (a port's
     * future fails with CLOSED). The IOTLB shards first write the fills they
     * hold back for a batch, so a clean stop loses none (a crash may: an IOTLB
     * may always forget an entry). With its own ActorSystem the system is
     * terminated; inside the caller's, the model's actors are stopped.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitQuietly(closed, "the first close");
            return;
        }
        try {
            gate.stop(ModelException.Kind.CLOSED, "the model is closed");
            awaitQuietly(gate.quiet(), "the callers' last writes"); // no entity stops in the middle of one
            for (Smmu s : smmus.values()) {
                TranslationPool pool = s.handles.pool();
                if (pool != null) {
                    awaitQuietly(pool.close("the model is closed"), "the IOTLB shards' last writes");
                }
                // the SMMU goes on consuming (sending the TCU invalidations to log) and recording faults on its own:
                // stop it between two writes, its waiting faults recorded, before the TCU's last writes
                awaitQuietly(this.<org.apache.pekko.Done>ask(s.node, SmmuNode.Quiesce::new), "the SMMU's last write");
                if (pool != null) {
                    awaitQuietly(s.handles.flushTcu(), "the TCU caches' last writes");
                    awaitQuietly(pool.settled(), "the IOTLB journals' writes still in flight");
                }
            }
            if (ownsSystem) {
                stop(system, runtime);
            } else {
                root.tell(new ModelRoot.Stop());
                awaitQuietly(rootStopped, "the model's actors stopping");
            }
        } finally {
            interrupts.close(options.callTimeout()); // what the SMMUs raised reaches the listeners
            try {
                journalWatch.close();
            } catch (Exception e) {
                // only a listener's removal: nothing to undo
            }
            if (journal != null) {
                journal.release();
            }
            closed.complete(null);
        }
    }

    /**
     * Waits for {@code f} at most the call timeout (virtual in deterministic mode); a close never hangs. Inside
     * the caller's system, the wait also ends when the model's actors have stopped: a close run while that system
     * terminates (an owner's PostStop) would otherwise wait out the timeout for each answer no stopped actor sends.
     */
    private void awaitQuietly(CompletionStage<?> f, String what) {
        if (!ownsSystem && f != rootStopped) {
            f = CompletableFuture.anyOf(f.toCompletableFuture(), rootStopped);
        }
        try {
            if (runtime != null) {
                runtime.await(f, what, options.callTimeout());
            } else {
                f.toCompletableFuture().get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | StuckException | CompletionException e) {
            // stop anyway: what was not written is only IOTLB fills, which a cache may forget
        }
    }

    /**
     * The model-wide (global) sequence number of the last event decided so
     * far: every journal event carries the number it was decided at (see
     * docs/CLI.md, "Causal order"). A translation answered while this reads
     * N was answered at N: {@code iommu-sim translate --at N} replays that
     * point. Exact between calls in deterministic mode; in the threaded mode
     * other threads may be deciding meanwhile. Callable from any thread.
     *
     * @return the last global sequence number, 0 before any event
     */
    public long globalSequence() {
        return org.iommusim.actors.causal.CausalClock.get(system).last();
    }

    /** The ActorSystem the model runs in: {@link org.iommusim.actors.pekko.PekkoEmbedding#actorSystem}. */
    private ActorSystem<?> actorSystem() {
        return system;
    }

    private <T> CompletionStage<T> ask(ActorRef<?> target, Function<ActorRef<T>, ?> message) {
        @SuppressWarnings("unchecked")
        ActorRef<Object> t = (ActorRef<Object>) target;
        if (runtime != null) {
            return org.iommusim.actors.exec.DirectAsk.<Object, T>ask(runtime, system, t, message::apply,
                    options.callTimeout());
        }
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
                throw new ModelException(ModelException.Kind.TIMEOUT,
                        "no answer to the " + what + " within " + options.callTimeout());
            }
            throw gate.failure(cause);
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
            throw new ModelException(ModelException.Kind.TIMEOUT,
                    "no answer to the " + what + " within " + options.callTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ModelException.Kind.INTERRUPTED, "interrupted while waiting for the " + what);
        } catch (ExecutionException e) {
            throw gate.failure(e);
        }
    }

    /** Waits for a call; its future always completes (ask timeout, answer, or the model stopping). */
    private <T> T join(CompletionStage<T> stage) {
        if (runtime != null) {
            return pump(stage, null);
        }
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            throw gate.failure(e);
        }
    }

    /** A null argument is refused on the caller's thread, before any actor sees it. */
    private static <T> T arg(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
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
            throw new ModelException(e.reason() == StuckException.Reason.DEADLINE ? ModelException.Kind.TIMEOUT
                    : ModelException.Kind.STUCK,
                    call + ": " + e.getMessage());
        } finally {
            interrupts.deliverPending(); // on the caller's thread, after the call's own work
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

    /**
     * Whether this model runs deterministically on its caller's thread
     * ({@link ModelOptions#deterministic()}). Callable from any thread.
     *
     * @return true in deterministic mode
     */
    public boolean isDeterministic() {
        return runtime != null;
    }

    /** The runtime driving this model (deterministic mode); throws IllegalStateException when threaded. */
    private DeterministicRuntime deterministicRuntime() {
        if (runtime == null) {
            throw new IllegalStateException("this model runs on Pekko's threads; start it with"
                    + " ModelOptions.deterministic() for virtual time");
        }
        return runtime;
    }

    /**
     * Deterministic mode: moves virtual time to {@code virtualNanos}, firing
     * every timer due by then (IOTLB write-behind, ask timeouts...) in time
     * order, each followed by all it causes; listeners hear what it raised
     * before it returns. Call from the thread driving the model.
     *
     * @param virtualNanos the virtual time to reach; not earlier than {@link #virtualNanos()}
     * @throws IllegalStateException when the model runs threaded
     */
    public void advanceTo(long virtualNanos) {
        deterministicRuntime().advanceTo(virtualNanos);
        interrupts.deliverPending();
    }

    /**
     * Deterministic mode: runs everything ready at the current virtual time
     * (callbacks of {@code ...Async} calls and {@link TranslationPort} submits
     * included, on this thread). Call from the thread driving the model.
     *
     * @return how many tasks ran
     * @throws IllegalStateException when the model runs threaded
     */
    public long runUntilIdle() {
        long ran = deterministicRuntime().runUntilIdle();
        interrupts.deliverPending();
        return ran;
    }

    /**
     * Deterministic mode: virtual nanoseconds since the model started.
     *
     * @return the virtual clock
     * @throws IllegalStateException when the model runs threaded
     */
    public long virtualNanos() {
        return deterministicRuntime().nowNanos();
    }
}
