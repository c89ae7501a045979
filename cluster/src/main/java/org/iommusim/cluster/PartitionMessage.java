package org.iommusim.cluster;

/** What an {@link SmmuPartition} receives: the requests, and its own start's outcome. */
interface PartitionMessage {}
