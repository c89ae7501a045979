package org.iommusim.cluster;

import java.util.List;
import org.iommusim.actors.testing.DropWatch;

/**
 * The cluster tests' {@code DropWatch}: every dropped message fails the build
 * (the enforcer rule on {@code target/dropped-messages.log}), except the
 * membership protocol's own, which Pekko sends again by design and loses
 * whenever a node goes: gossip, heartbeats, the distributed data
 * replicators' internal traffic, the coordinator's rebalance bookkeeping,
 * Artery's reset of delivery to a quarantined peer, the split brain resolver's
 * timer after its node left, the cluster receptionist's tick as its node stops, Artery's TCP writes to a
 * connection closed as its peer went. A dropped sharding envelope, partition
 * request or answer, or model message still counts.
 */
public final class ClusterDropWatch extends DropWatch {
    /** The membership protocol's messages (class name prefixes as Pekko's dead-letter lines print them). */
    static final List<String> MEMBERSHIP = List.of("Message [org.apache.pekko.cluster.GossipEnvelope]",
            "Message [org.apache.pekko.cluster.GossipStatus]", "Message [org.apache.pekko.cluster.ClusterHeartbeatSender",
            "Message [org.apache.pekko.cluster.CrossDcHeartbeatSender", "Message [org.apache.pekko.cluster.InternalClusterAction",
            // the replicators' own traffic (status, gossip, writes to a node being removed, their ticks)
            "Message [org.apache.pekko.cluster.ddata.Replicator$Internal$",
            // a replicator's flush tick to itself, arriving after its node was downed and it stopped
            "Message [org.apache.pekko.cluster.ddata.Replicator$FlushChanges$]",
            // Artery's reset of system-message delivery to a peer it quarantined (a killed node)
            "Message [org.apache.pekko.remote.artery.SystemMessageDelivery$ClearSystemMessageDelivery]",
            // the coordinator's note to a rebalance worker that already finished
            "Message [org.apache.pekko.cluster.sharding.ShardCoordinator$RebalanceWorker$ShardRegionTerminated]",
            // a hand-off stopper's answer to a rebalance worker that already finished (its region went)
            "Message [org.apache.pekko.cluster.sharding.ShardCoordinator$Internal$ShardStopped]");

    /**
     * Timer messages forgiven only to the one actor named: the split brain
     * resolver's own stability timer, which fires after its node left and the
     * downing provider stopped; the cluster receptionist's own tick, which
     * fires while its system terminates. The same timer class to any other actor still
     * counts, since the model's entities use timers too.
     */
    static final List<String[]> OWN_TIMERS = List.<String[]>of(new String[] {
        "Message [org.apache.pekko.actor.TimerSchedulerImpl$InfluenceReceiveTimeoutTimerMsg]",
        "/system/cluster/core/daemon/downingProvider"}, new String[] {
        // the cluster receptionist's own pruning tick, firing as its node's system stops
        "Message [org.apache.pekko.actor.typed.internal.TimerSchedulerImpl$TimerMsg]",
        "/system/clusterReceptionist#"}, new String[] {
        // Artery's TCP stream writing its bytes to a connection actor that closed as the peer's node went
        // (seen as a node shut down, cluster module, 2026-12-06): transport, not a message of the model; a
        // model message lost with it is a remote ask, which its caller sees answered (a timeout or refusal)
        "Message [org.apache.pekko.io.Tcp$Write]",
        "/system/IO-TCP/selectors/"});

    static boolean forgiven(String message) {
        return MEMBERSHIP.stream().anyMatch(message::startsWith)
                || OWN_TIMERS.stream().anyMatch(t -> message.startsWith(t[0]) && toActor(message).contains(t[1]));
    }

    /** The recipient part of a dead-letter line ("... to Actor[...] was not delivered"). */
    private static String toActor(String message) {
        int to = message.indexOf(" to Actor[");
        return to < 0 ? "" : message.substring(to);
    }

    @Override
    protected boolean counts(String message) {
        return super.counts(message) && !forgiven(message);
    }
}
