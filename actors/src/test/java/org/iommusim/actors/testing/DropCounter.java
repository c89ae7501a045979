package org.iommusim.actors.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.AllDeadLetters;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Hears every message an ActorSystem could not deliver: dead letters, and
 * messages dropped (a full stash publishes {@code Dropped}), straight from the
 * event stream, so a test can assert that none was lost, beside the log
 * check of {@link DropWatch}.
 */
public final class DropCounter {
    private final List<String> lost = new CopyOnWriteArrayList<>();

    private DropCounter() {}

    /** Subscribes a counter to {@code system}'s event stream. */
    public static DropCounter on(ActorSystem<?> system, String name) {
        DropCounter c = new DropCounter();
        ActorRef<AllDeadLetters> ref = system.systemActorOf(Behaviors.receive(AllDeadLetters.class)
                .onAnyMessage(m -> {
                    c.lost.add(m.toString());
                    return Behaviors.same();
                }).build(), name, Props.empty());
        system.eventStream().tell(new EventStream.Subscribe<>(AllDeadLetters.class, ref));
        return c;
    }

    /** What was not delivered, as text; empty when nothing was lost. */
    public List<String> lost() {
        return List.copyOf(lost);
    }
}
