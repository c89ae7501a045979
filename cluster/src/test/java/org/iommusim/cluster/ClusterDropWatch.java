package org.iommusim.cluster;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The cluster tests' {@code DropWatch}: every dropped message fails the build
 * (the enforcer rule on {@code target/dropped-messages.log}), except the
 * membership protocol's own, which Pekko sends again by design and loses
 * whenever a node goes: gossip, heartbeats, the distributed data
 * replicators' internal traffic, the coordinator's rebalance bookkeeping,
 * Artery's reset of delivery to a quarantined peer. A dropped sharding envelope, partition
 * request or answer, or model message still counts.
 */
public final class ClusterDropWatch extends AppenderBase<ILoggingEvent> {
    private static final List<String> DROPS = List.of("Stash buffer is full", "dead letters encountered",
            "was not delivered", "was dropped", "StashOverflow");
    /** The membership protocol's messages (class name prefixes as Pekko's dead-letter lines print them). */
    static final List<String> MEMBERSHIP = List.of("Message [org.apache.pekko.cluster.GossipEnvelope]",
            "Message [org.apache.pekko.cluster.GossipStatus]", "Message [org.apache.pekko.cluster.ClusterHeartbeatSender",
            "Message [org.apache.pekko.cluster.CrossDcHeartbeatSender", "Message [org.apache.pekko.cluster.InternalClusterAction",
            // the replicators' own traffic (status, gossip, writes to a node being removed, their ticks)
            "Message [org.apache.pekko.cluster.ddata.Replicator$Internal$",
            // Artery's reset of system-message delivery to a peer it quarantined (a killed node)
            "Message [org.apache.pekko.remote.artery.SystemMessageDelivery$ClearSystemMessageDelivery]",
            // the coordinator's note to a rebalance worker that already finished
            "Message [org.apache.pekko.cluster.sharding.ShardCoordinator$RebalanceWorker$ShardRegionTerminated]",
            // a hand-off stopper's answer to a rebalance worker that already finished (its region went)
            "Message [org.apache.pekko.cluster.sharding.ShardCoordinator$Internal$ShardStopped]");

    private Path file = Paths.get("target", "dropped-messages.log");

    public void setFile(String file) {
        this.file = Paths.get(file);
    }

    @Override
    public void start() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            addError("cannot clear " + file, e);
        }
        super.start();
    }

    static boolean counts(String message) {
        return message != null && DROPS.stream().anyMatch(message::contains)
                && MEMBERSHIP.stream().noneMatch(message::startsWith);
    }

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (!counts(message)) {
            return;
        }
        String line = event.getLevel() + " " + event.getLoggerName() + " [" + event.getThreadName() + "] " + message
                + System.lineSeparator();
        synchronized (this) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                addError("cannot record a dropped message in " + file, e);
            }
        }
    }
}
