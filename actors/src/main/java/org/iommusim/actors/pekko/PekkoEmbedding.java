package org.iommusim.actors.pekko;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.persistence.journal.JournalSettings;

/**
 * For embedders already on Pekko: a model inside an ActorSystem the caller
 * owns. Outside the Pekko-free embedding API ({@code org.iommusim.actors.api})
 * because its signatures name Pekko's and Typesafe Config's types. Stateless;
 * callable from any thread.
 */
public final class PekkoEmbedding {
    private PekkoEmbedding() {}

    /**
     * The Pekko configuration the model needs: its journal and snapshot store
     * under {@code options.dataDir()}, over the defaults.
     *
     * @throws IllegalArgumentException if {@code options} is null
     */
    public static Config config(ModelOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        return JournalSettings.levelDb(options.dataDir()).withFsync(options.fsync()).toConfig()
                .withFallback(com.typesafe.config.ConfigFactory.load());
    }

    /**
     * Runs the model inside the caller's ActorSystem (under one system actor,
     * {@code iommu-sim-<n>}), whose configuration must include
     * {@link #config}; the caller keeps ownership of the system and its
     * journal directory. {@link IommuSim#close} stops the model's actors; a
     * later {@code inside} on the same system starts a new model, which
     * recovers from the same journal. Runs no journal check (the caller may
     * have the journal open already).
     *
     * @return the model, recovered and serving
     * @throws IllegalArgumentException for a null argument
     */
    public static IommuSim inside(ActorSystem<?> system, ModelOptions options) {
        return ModelInternals.inside(system, options);
    }

    /** The ActorSystem {@code sim} runs in (its own, or the caller's). */
    public static ActorSystem<?> actorSystem(IommuSim sim) {
        return ModelInternals.actorSystem(sim);
    }
}
