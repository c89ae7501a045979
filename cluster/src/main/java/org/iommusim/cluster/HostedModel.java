package org.iommusim.cluster;

import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.Smmu;

/**
 * A started SMMU partition's model and its SMMU, as they run in this JVM
 * ({@link ClusterNode#hosted}): for an embedder whose nodes all run in its
 * own JVM (the scenario engine's {@code simulate --cluster}), which then
 * calls the model directly instead of through {@link PartitionCommand}s.
 * Valid while the partition runs on that node; its model is closed when the
 * partition stops or moves.
 *
 * @param sim the partition's model, in its node's ActorSystem
 * @param smmu the partition's SMMU, as {@code sim} names it
 */
public record HostedModel(IommuSim sim, Smmu smmu) {}
