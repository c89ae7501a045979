package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterDropWatchTest {
    private static final ClusterDropWatch WATCH = new ClusterDropWatch();

    @Test
    void onlyTheMembershipProtocolsOwnLossesAreForgiven() {
        assertFalse(WATCH.counts("Message [org.apache.pekko.cluster.GossipStatus] from a to b was not "
                + "delivered. [1] dead letters encountered."));
        assertTrue(WATCH.counts("Message [org.apache.pekko.cluster.sharding.typed.ShardingEnvelope] from a "
                + "to b was not delivered. [1] dead letters encountered."));
        assertTrue(WATCH.counts("Message [org.iommusim.cluster.PartitionReply$Done] from a to b was not "
                + "delivered. [1] dead letters encountered."));
        assertFalse(WATCH.counts("Message [org.apache.pekko.cluster.sharding.ShardCoordinator$Internal$"
                + "ShardStopped] from a to b was not delivered. [1] dead letters encountered."));
        assertTrue(WATCH.counts("Message [org.apache.pekko.cluster.sharding.ShardCoordinator$Internal$"
                + "ShardHome] from a to b was not delivered. [1] dead letters encountered."));
        assertFalse(WATCH.counts("Message [org.apache.pekko.cluster.ddata.Replicator$FlushChanges$] from "
                + "Actor[pekko://s/system/sharding/replicator#1] to Actor[pekko://s/system/sharding/replicator#1] "
                + "was not delivered. [2] dead letters encountered."));
        assertFalse(WATCH.counts("Message [org.apache.pekko.actor.TimerSchedulerImpl$InfluenceReceiveTimeoutTimerMsg]"
                + " to Actor[pekko://s/system/cluster/core/daemon/downingProvider#5] was not delivered. [1] dead "
                + "letters encountered."));
        // the same timer to a model entity is a real loss
        assertTrue(WATCH.counts("Message [org.apache.pekko.actor.TimerSchedulerImpl$InfluenceReceiveTimeoutTimerMsg]"
                + " from Actor[pekko://s/system/cluster/core/daemon/downingProvider#5] to "
                + "Actor[pekko://s/user/smmu-0#7] was not delivered. [1] dead letters encountered."));
        // seen once as a node's system terminated (simulations module, 2026-12-06)
        assertFalse(WATCH.counts("Message [org.apache.pekko.actor.typed.internal.TimerSchedulerImpl$TimerMsg] to "
                + "Actor[pekko://iommu-sim/system/clusterReceptionist#1770120442] was not delivered. [2] dead letters "
                + "encountered."));
        // a typed timer to anything else (the model's entities use them) still counts
        assertTrue(WATCH.counts("Message [org.apache.pekko.actor.typed.internal.TimerSchedulerImpl$TimerMsg] to "
                + "Actor[pekko://iommu-sim/system/smmu-0/tbu-0#5] was not delivered. [1] dead letters encountered."));
        assertTrue(WATCH.counts("Message [org.apache.pekko.actor.typed.internal.TimerSchedulerImpl$TimerMsg] to "
                + "Actor[pekko://iommu-sim/system/clusterReceptionistX#5] was not delivered. [1] dead letters "
                + "encountered."));
        // seen once as a node shut down (cluster module, 2026-12-06): Artery's TCP stream to a closed connection
        assertFalse(WATCH.counts("Message [org.apache.pekko.io.Tcp$Write] from Actor[pekko://iommu-sim/system/"
                + "Materializers/StreamSupervisor-2/$$f#760088253] to Actor[pekko://iommu-sim/system/IO-TCP/selectors/"
                + "$a/7#314186669] was not delivered. [5] dead letters encountered."));
        // the same write to any other actor still counts
        assertTrue(WATCH.counts("Message [org.apache.pekko.io.Tcp$Write] from a to Actor[pekko://iommu-sim/user/"
                + "smmu-0#1] was not delivered. [1] dead letters encountered."));
        assertTrue(WATCH.counts("Stash buffer is full"));
        assertFalse(WATCH.counts("smmu-0 serving on pekko://iommu-sim@127.0.0.1:1"));
    }
}
