package org.iommusim.actors.internal;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The parent of every actor of one model: stopping it stops the whole model
 * (children first), which is how {@link IommuSim#close} ends a model that
 * runs inside the caller's ActorSystem. {@code stopped} completes once it and
 * all its children have stopped.
 */
public final class ModelRoot {
    private ModelRoot() {}

    public sealed interface Command {}

    /** Spawn a model actor under the root; the reply is its reference. */
    public record Spawn<T>(Behavior<T> behavior, String name, Props props, ActorRef<ActorRef<T>> replyTo)
            implements Command {}

    /** Stop the model. */
    public record Stop() implements Command {}

    public static Behavior<Command> create(CompletableFuture<Void> stopped) {
        return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
                .onMessage(Spawn.class, s -> {
                    spawn(ctx, s);
                    return Behaviors.same();
                })
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> {
                    stopped.complete(null);
                    return Behaviors.same();
                })
                .build());
    }

    private static <T> void spawn(org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx, Spawn<T> s) {
        s.replyTo().tell(ctx.spawn(s.behavior(), s.name(), s.props()));
    }
}
