package org.iommusim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.PublishedEvent;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.iommusim.persistence.journal.JournalSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pekko publishes each persisted event on the event stream unless told not
 * to; {@link Unpublished} entities write the same events to the journal and
 * publish none.
 */
class UnpublishedTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Persists each command as an event, then answers with the new state. */
    record Append(String text, ActorRef<String> replyTo) {}

    /** Pekko's default, which publishes; the same handlers as {@link Quiet}. */
    static final class Published extends EventSourcedBehavior<Append, String, String> {
        Published(String id) {
            super(PersistenceId.ofUniqueId(id));
        }

        @Override
        public String emptyState() {
            return "";
        }

        @Override
        public CommandHandler<Append, String, String> commandHandler() {
            return appending(newCommandHandlerBuilder(), Effect());
        }

        @Override
        public EventHandler<String, String> eventHandler() {
            return concatenating(newEventHandlerBuilder());
        }
    }

    static final class Quiet extends Unpublished<Append, String, String> {
        Quiet(String id) {
            super(PersistenceId.ofUniqueId(id));
        }

        @Override
        public String emptyState() {
            return "";
        }

        @Override
        public CommandHandler<Append, String, String> commandHandler() {
            return appending(newCommandHandlerBuilder(), Effect());
        }

        @Override
        public EventHandler<String, String> eventHandler() {
            return concatenating(newEventHandlerBuilder());
        }
    }

    /** Persists each command's text as an event, then answers with the new state. */
    static CommandHandler<Append, String, String> appending(CommandHandlerBuilder<Append, String, String> b,
            EffectFactories<String, String> effect) {
        return b.forAnyState().onAnyCommand((s, c) -> effect.persist(c.text()).thenReply(c.replyTo(), st -> st));
    }

    static EventHandler<String, String> concatenating(EventHandlerBuilder<String, String> b) {
        return b.forAnyState().onAnyEvent((s, e) -> s + e);
    }

    @Test
    void anUnpublishedEntityPersistsAndRecoversItsEventsButPublishesNone(@TempDir Path dir) {
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorTestKit kit = ActorTestKit.create("unpublished", journal.toConfig().withFallback(ConfigFactory.load()));
        try {
            TestProbe<PublishedEvent> stream = kit.createTestProbe();
            kit.system().eventStream().tell(new EventStream.Subscribe<>(PublishedEvent.class, stream.getRef()));
            TestProbe<String> replies = kit.createTestProbe();

            // Pekko's default, for comparison: the probe does hear a published event
            ActorRef<Append> loud = kit.spawn(new Published("loud"));
            loud.tell(new Append("a", replies.getRef()));
            assertEquals("a", replies.receiveMessage(WAIT));
            PublishedEvent seen = stream.receiveMessage(WAIT);
            assertEquals("loud", seen.persistenceId().id());
            assertEquals("a", seen.event());

            ActorRef<Append> quiet = kit.spawn(new Quiet("quiet"));
            quiet.tell(new Append("b", replies.getRef()));
            quiet.tell(new Append("c", replies.getRef()));
            assertEquals("b", replies.receiveMessage(WAIT));
            assertEquals("bc", replies.receiveMessage(WAIT));
            // a marker after them: events travel the stream in order, so the quiet ones would have come first
            loud.tell(new Append("d", replies.getRef()));
            assertEquals("ad", replies.receiveMessage(WAIT));
            PublishedEvent next = stream.receiveMessage(WAIT);
            assertEquals("loud", next.persistenceId().id(), "nothing from the quiet entity");
            assertEquals("d", next.event());

            // the events are in the journal all the same: a new incarnation recovers them
            kit.stop(quiet);
            ActorRef<Append> again = kit.spawn(new Quiet("quiet"));
            again.tell(new Append("e", replies.getRef()));
            assertEquals("bce", replies.receiveMessage(WAIT));
            stream.expectNoMessage(Duration.ofMillis(200));
        } finally {
            kit.shutdownTestKit();
            journal.release();
        }
    }
}
