package org.iommusim.actors.smmu;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.iommusim.persistence.stream.StreamState;
import org.iommusim.protocol.capability.SmmuCapabilities;

/**
 * One SMMU with its streams: routes to the {@link SmmuEntity} and to stream
 * entities (spawned on first use). On start it first recovers every stream
 * that has a journal, so their memory is on the {@link StreamMemoryBoard}
 * before the SMMU consumes a single CFGI; messages wait in a bounded stash
 * meanwhile.
 */
public final class SmmuNode {
    private SmmuNode() {}

    public sealed interface Command {}

    public record ToSmmu(SmmuEntity.Command command) implements Command {}

    public record ToStream(int sid, StreamEntity.Command command) implements Command {}

    private record StreamRecovered(int sid) implements Command {}

    private static final int STASH = 10_000;
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    /**
     * @param knownSids streams with a journal (see {@code JournalIds}), recovered before anything else
     */
    public static Behavior<Command> create(String smmuId, SmmuCapabilities caps, SmmuEntity.Settings settings,
            SmmuViews views, StreamMemoryBoard board, Collection<Integer> knownSids,
            List<ActorRef<InvalidationPort.Invalidate>> subscribers) {
        return Behaviors.withStash(STASH, stash -> Behaviors.setup(ctx -> {
            for (int sid : knownSids) {
                ctx.ask(StreamState.class, stream(ctx, smmuId, sid, caps, board), RECOVERY, StreamEntity.GetStream::new,
                        (state, failure) -> {
                            if (failure != null) {
                                throw new IllegalStateException("stream " + sid + " of " + smmuId
                                        + " did not recover: " + failure.getMessage(), failure);
                            }
                            return new StreamRecovered(sid);
                        });
            }
            return recovering(ctx, stash, smmuId, caps, settings, views, board, subscribers, knownSids.size());
        }));
    }

    private static Behavior<Command> recovering(ActorContext<Command> ctx, StashBuffer<Command> stash, String smmuId,
            SmmuCapabilities caps, SmmuEntity.Settings settings, SmmuViews views, StreamMemoryBoard board,
            List<ActorRef<InvalidationPort.Invalidate>> subscribers, int outstanding) {
        if (outstanding == 0) {
            ActorRef<SmmuEntity.Command> smmu = ctx.spawn(
                    SmmuEntity.create(smmuId, caps, board, views, settings, subscribers), "smmu");
            return stash.unstashAll(running(ctx, smmuId, caps, board, smmu));
        }
        return Behaviors.receive(Command.class)
                .onMessage(StreamRecovered.class, r -> recovering(ctx, stash, smmuId, caps, settings, views, board,
                        subscribers, outstanding - 1))
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<Command> running(ActorContext<Command> ctx, String smmuId, SmmuCapabilities caps,
            StreamMemoryBoard board, ActorRef<SmmuEntity.Command> smmu) {
        return Behaviors.receive(Command.class)
                .onMessage(ToSmmu.class, m -> {
                    smmu.tell(m.command());
                    return Behaviors.same();
                })
                .onMessage(ToStream.class, m -> {
                    stream(ctx, smmuId, m.sid(), caps, board).tell(m.command());
                    return Behaviors.same();
                })
                .build();
    }

    private static ActorRef<StreamEntity.Command> stream(ActorContext<Command> ctx, String smmuId, int sid,
            SmmuCapabilities caps, StreamMemoryBoard board) {
        String name = "sid-" + Integer.toUnsignedString(sid);
        return ctx.getChild(name).map(r -> r.<StreamEntity.Command>unsafeUpcast())
                .orElseGet(() -> ctx.spawn(StreamEntity.create(smmuId, sid, caps, board), name));
    }

    /** The StreamIDs of {@code smmuId}'s streams among journal persistence ids. */
    public static List<Integer> streamsOf(String smmuId, Collection<String> persistenceIds) {
        String prefix = smmuId + "/sid-";
        return persistenceIds.stream().filter(p -> p.startsWith(prefix))
                .map(p -> Integer.parseUnsignedInt(p.substring(prefix.length()))).sorted().toList();
    }
}
