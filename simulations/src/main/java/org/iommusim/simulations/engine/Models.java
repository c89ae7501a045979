package org.iommusim.simulations.engine;

import java.util.function.Consumer;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.SmmuCapabilities;

/**
 * The models a run drives: the one serving each SMMU. A single-node run has
 * one {@link IommuSim} for every SMMU ({@link #local}); a cluster run has one
 * per SMMU partition, each in its node's ActorSystem. A domain is served by
 * the model of the SMMU it is allocated on. The engine looks its model up
 * here per call, so it never hands one model another model's {@code Smmu}
 * (which {@code IommuSim} refuses).
 */
public interface Models extends AutoCloseable {
    /**
     * SMMU {@code index} with {@code caps}, as its model names it: added to
     * the model, or, when the SMMU already runs elsewhere, found there.
     */
    Smmu add(int index, SmmuCapabilities caps);

    /** The model serving {@code smmu} (one this set added). */
    IommuSim of(Smmu smmu);

    /**
     * The one model of a single-node run, for what only it has: the
     * deterministic mode's virtual clock.
     *
     * @throws IllegalStateException when SMMUs are served by several models
     */
    IommuSim single();

    /** Shows each model to {@code to} once (a run's observer). */
    void forEach(Consumer<IommuSim> to);

    /**
     * Stops serving: after it the run's journal (the run folder's) holds
     * every event the models wrote.
     */
    @Override
    void close();

    /** Starts the models of a run, with the options the engine chose for its mode. */
    @FunctionalInterface
    interface Start {
        /** The models, before any SMMU is added. */
        Models start(ModelOptions options);

        /** What the report's mode adds after the run mode's label ({@code cluster of 3 nodes}); empty: nothing. */
        default String label() {
            return "";
        }
    }

    /** One model ({@link IommuSim#start}) on the run folder's LevelDB journal: every single-node run. */
    Start LOCAL = options -> local(IommuSim.start(options));

    /** Every SMMU on {@code sim}. */
    static Models local(IommuSim sim) {
        return new Models() {
            @Override
            public Smmu add(int index, SmmuCapabilities caps) {
                return sim.addSmmu(index, caps);
            }

            @Override
            public IommuSim of(Smmu smmu) {
                return sim;
            }

            @Override
            public IommuSim single() {
                return sim;
            }

            @Override
            public void forEach(Consumer<IommuSim> to) {
                to.accept(sim);
            }

            @Override
            public void close() {
                sim.close();
            }
        };
    }
}
