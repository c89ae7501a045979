package org.iommusim.actors.iommufd;

import java.nio.file.Path;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.SmmuCapabilities;

/** A model on a fresh LevelDB directory with one SMMU and an iommufd host on it; closing stops the model. */
final class HostFixture implements AutoCloseable {
    final IommuSim sim;
    final Smmu smmu;
    final IommufdHost host;

    HostFixture(Path dir, SmmuCapabilities caps) {
        this(dir, caps, 0);
    }

    /** {@code firstDomainId} 0: the host's default; after a restart, a range clear of the first run's domains. */
    HostFixture(Path dir, SmmuCapabilities caps, long firstDomainId) {
        this(ModelOptions.at(dir).withFsync(false).withWorkers(1), caps, firstDomainId);
    }

    /** A deterministic model: everything on the test's thread, interrupts delivered at the end of each call. */
    static HostFixture deterministic(Path dir, SmmuCapabilities caps) {
        return new HostFixture(ModelOptions.at(dir).withFsync(false).deterministic(), caps, 0);
    }

    private HostFixture(ModelOptions options, SmmuCapabilities caps, long firstDomainId) {
        sim = IommuSim.start(options);
        try {
            smmu = sim.addSmmu(0, caps);
            host = firstDomainId == 0 ? IommufdHost.open(sim, smmu) : IommufdHost.open(sim, smmu, firstDomainId);
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
    }

    HostFixture(Path dir) {
        this(dir, SmmuCapabilities.defaults());
    }

    @Override
    public void close() {
        sim.close();
    }
}
