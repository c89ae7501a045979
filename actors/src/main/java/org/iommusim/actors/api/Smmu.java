package org.iommusim.actors.api;

import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.actors.smmu.IdEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.protocol.capability.SmmuCapabilities;

/**
 * A handle on one SMMU of a running model: its name ({@code smmu-<n>}) and what it advertises.
 * Immutable, safe to share between threads; valid for the model that added it.
 */
public final class Smmu {
    private final String id;
    private final SmmuCapabilities caps;
    final ActorRef<SmmuNode.Command> node;
    final SmmuNode.Handles handles;
    final ActorRef<IdEntity.Command> ids;

    Smmu(String id, SmmuCapabilities caps, ActorRef<SmmuNode.Command> node, SmmuNode.Handles handles,
            ActorRef<IdEntity.Command> ids) {
        this.id = id;
        this.caps = caps;
        this.node = node;
        this.handles = handles;
        this.ids = ids;
    }

    /**
     * The SMMU's name, {@code smmu-<n>}: also the prefix of its journal entities.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * What the SMMU advertises (its ID registers), as given to {@link IommuSim#addSmmu}.
     *
     * @return the capabilities
     */
    public SmmuCapabilities capabilities() {
        return caps;
    }

    @Override
    public String toString() {
        return id;
    }
}
