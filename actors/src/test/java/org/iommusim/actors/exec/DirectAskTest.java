package org.iommusim.actors.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.AllDeadLetters;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.Test;

class DirectAskTest {
    record Ping(ActorRef<Object> replyTo, int replies) {}

    /** A reply after the first: dead letters are expected for it, not logged as a drop (the build fails on drops). */
    record Late(int n) implements org.apache.pekko.actor.DeadLetterSuppression {}

    /** Answers a Ping with as many replies as it asks for (zero: none): "pong", then Late ones. */
    private static Behavior<Object> answering(List<Thread> repliedOn) {
        return Behaviors.receive(Object.class)
                .onMessage(Ping.class, p -> {
                    repliedOn.add(Thread.currentThread());
                    for (int i = 0; i < p.replies(); i++) {
                        p.replyTo().tell(i == 0 ? "pong" : new Late(i));
                    }
                    return Behaviors.same();
                })
                .build();
    }

    @Test
    void theFirstReplyCompletesItOnTheCallersThreadAndLaterOnesAreDeadLetters() throws Exception {
        DeterministicRuntime rt = DeterministicRuntime.fifo();
        List<Thread> repliedOn = new ArrayList<>();
        ActorSystem<Object> system = rt.createSystem(answering(repliedOn), "direct-ask", ConfigFactory.load());
        List<Object> dead = new ArrayList<>();
        ActorRef<AllDeadLetters> listener = system.systemActorOf(Behaviors.<AllDeadLetters>receiveMessage(d -> {
            dead.add(d.message());
            return Behaviors.same();
        }), "dead-letter-listener", org.apache.pekko.actor.typed.Props.empty());
        system.eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Subscribe<>(
                AllDeadLetters.class, listener));
        rt.runUntilIdle();
        try {
            int timersBefore = rt.timers().pending();
            CompletableFuture<Object> f = DirectAsk.<Object, Object>ask(rt, system, system,
                    r -> new Ping(r, 2), Duration.ofSeconds(3));
            assertFalse(f.isDone(), "nothing runs until the caller drives the model");
            assertEquals(timersBefore + 1, rt.timers().pending(), "its timeout is armed");
            assertEquals("pong", rt.await(f, "the pong"));
            rt.runUntilIdle();
            assertEquals(List.of(Thread.currentThread()), repliedOn);
            assertEquals(timersBefore, rt.timers().pending(), "an answered ask leaves no timer armed");
            assertEquals("pong", f.get());
            assertEquals(List.of(new Late(1)), dead, "the second reply went to dead letters");
        } finally {
            rt.terminate(system);
        }
    }

    @Test
    void anUnansweredAskFailsWhenItsTimeoutPassesInVirtualTime() {
        DeterministicRuntime rt = DeterministicRuntime.fifo();
        ActorSystem<Object> system = rt.createSystem(answering(new ArrayList<>()), "direct-ask-silent",
                ConfigFactory.load());
        try {
            CompletableFuture<Object> f = DirectAsk.<Object, Object>ask(rt, system, system,
                    r -> new Ping(r, 0), Duration.ofMillis(20));
            rt.runUntilIdle();
            rt.advanceTo(19_999_999);
            assertFalse(f.isDone(), "not before 20 ms of virtual time");
            rt.advanceTo(20_000_000);
            assertTrue(f.isCompletedExceptionally());
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
            assertTrue(e.getCause() instanceof AskTimeoutException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains(Ping.class.getName()), e.getCause().getMessage());
        } finally {
            rt.terminate(system);
        }
    }

    @Test
    void aTerminatedRecipientFailsItAtOnce() {
        DeterministicRuntime rt = DeterministicRuntime.fifo();
        ActorSystem<Object> system = rt.createSystem(Behaviors.ignore(), "direct-ask-stopped", ConfigFactory.load());
        try {
            ActorRef<Object> stopping = system.systemActorOf(Behaviors.receiveMessage(m -> Behaviors.stopped()),
                    "stopping", org.apache.pekko.actor.typed.Props.empty());
            stopping.tell("stop");
            rt.runUntilIdle();
            int timersBefore = rt.timers().pending();
            CompletableFuture<Object> f = DirectAsk.<Object, Object>ask(rt, system, stopping,
                    r -> new Ping(r, 1), Duration.ofSeconds(1));
            assertTrue(f.isCompletedExceptionally(), "failed before anything ran");
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
            assertTrue(e.getCause() instanceof AskTimeoutException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("terminated"), e.getCause().getMessage());
            assertEquals(timersBefore, rt.timers().pending(), "no timer armed for it");
        } finally {
            rt.terminate(system);
        }
    }
}
