package org.iommusim.actors.internal;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.exec.DeterministicRuntime;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.ids.IdState;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * The model's own view of a running {@link IommuSim}, in its internal types:
 * for the simulation engine, its checker and CLI, the iommufd host, the
 * cluster mode and the model's tests. Not part of the embedding API (whose
 * public signatures name no internal type, {@code PublicApiTest}); an
 * embedder uses {@link IommuSim#smmuView}, {@link IommuSim#mappings},
 * {@link IommuSim#idAllocations} and {@link IommuSim#translateDetailed}.
 *
 * <p>Each call behaves as the facade's calls do: blocking forms wait at most
 * the call timeout (running the model on the caller's thread in
 * deterministic mode) and fail with {@code ModelException}.
 */
public final class ModelInternals {
    private ModelInternals() {}

    /** What {@link IommuSim} gives this class: implemented inside the facade, installed once by it. */
    public interface Access {
        CompletionStage<TranslationWorker.Traced> translateTraced(IommuSim sim, Smmu smmu, TranslationRequest r);

        TranslationWorker.Traced translateTracedNow(IommuSim sim, Smmu smmu, TranslationRequest r);

        TranslationWorker.Traced translateCounted(IommuSim sim, Smmu smmu, TranslationRequest r);

        <T> T await(IommuSim sim, CompletionStage<T> stage, String what);

        CompletionStage<SmmuState> smmuState(IommuSim sim, Smmu smmu);

        Optional<PageTable> pageTable(IommuSim sim, DomainId id);

        CompletionStage<IdState> ids(IommuSim sim, Smmu smmu);

        <T> T join(IommuSim sim, CompletionStage<T> stage);

        ActorSystem<?> actorSystem(IommuSim sim);

        DeterministicRuntime runtime(IommuSim sim);

        IommuSim inside(ActorSystem<?> system, ModelOptions options);
    }

    private static volatile Access access;

    /**
     * Called once, by {@link IommuSim}'s class initialiser.
     *
     * @throws IllegalStateException from any other caller, or a second time
     */
    public static synchronized void install(Access a) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (caller != IommuSim.class || access != null) {
            throw new IllegalStateException("only IommuSim installs its internals, once");
        }
        access = a;
    }

    private static Access access() {
        Access a = access;
        if (a == null) {
            try { // IommuSim's initialiser installs it
                Class.forName(IommuSim.class.getName(), true, IommuSim.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = access;
        }
        return a;
    }

    /** A translation with its path, the walk's descriptor reads and the fill's evictions, as the worker saw it. */
    public static CompletionStage<TranslationWorker.Traced> translateTracedAsync(IommuSim sim, Smmu smmu,
            TranslationRequest request) {
        return access().translateTraced(sim, smmu, request);
    }

    /** Blocking form of {@link #translateTracedAsync}. */
    public static TranslationWorker.Traced translateTraced(IommuSim sim, Smmu smmu, TranslationRequest request) {
        return access().translateTracedNow(sim, smmu, request);
    }

    /**
     * As {@link #translateTraced} without the walk's descriptor reads ({@link TranslationWorker.Traced#walk()} is
     * {@code WalkDetail.NONE}): the path, walk steps, evictions and configuration reads, which the walk need not
     * be traced for (the simulation's per-DMA call: it reads nothing else).
     */
    public static TranslationWorker.Traced translateCounted(IommuSim sim, Smmu smmu, TranslationRequest request) {
        return access().translateCounted(sim, smmu, request);
    }

    /** The SMMU entity's whole state (queues, configuration cache, event queue). */
    public static CompletionStage<SmmuState> smmuStateAsync(IommuSim sim, Smmu smmu) {
        return access().smmuState(sim, smmu);
    }

    /** Blocking form of {@link #smmuStateAsync}. */
    public static SmmuState smmuState(IommuSim sim, Smmu smmu) {
        return access().join(sim, smmuStateAsync(sim, smmu));
    }

    /** The domain's published page table (immutable), if it is allocated. */
    public static Optional<PageTable> pageTable(IommuSim sim, DomainId id) {
        return access().pageTable(sim, id);
    }

    /** The VMID and ASID allocator's state. */
    public static CompletionStage<IdState> idsAsync(IommuSim sim, Smmu smmu) {
        return access().ids(sim, smmu);
    }

    /** Blocking form of {@link #idsAsync}. */
    public static IdState ids(IommuSim sim, Smmu smmu) {
        return access().join(sim, idsAsync(sim, smmu));
    }

    /** The ActorSystem the model runs in. */
    public static ActorSystem<?> actorSystem(IommuSim sim) {
        return access().actorSystem(sim);
    }

    /** The runtime driving a deterministic model; IllegalStateException when it runs threaded. */
    public static DeterministicRuntime deterministicRuntime(IommuSim sim) {
        return access().runtime(sim);
    }

    /** For {@link org.iommusim.actors.pekko.PekkoEmbedding#inside}. */
    public static IommuSim inside(ActorSystem<?> system, ModelOptions options) {
        return access().inside(system, options);
    }
}
