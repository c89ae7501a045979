package org.iommusim.actors.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

class DeterministicRuntimeTest {
    record Ping(ActorRef<String> replyTo) {}

    private static Behavior<Object> echo(List<Long> fired, DeterministicRuntime rt) {
        return Behaviors.withTimers(timers -> Behaviors.receive(Object.class)
                .onMessage(Ping.class, p -> {
                    p.replyTo().tell("pong");
                    timers.startSingleTimer("t", "tick", Duration.ofMillis(5));
                    return Behaviors.same();
                })
                .onMessageEquals("tick", () -> {
                    fired.add(rt.nowNanos());
                    return Behaviors.same();
                })
                .build());
    }

    @Test
    void anAskAndATimerRunOnTheCallingThreadAndTimersWaitForVirtualTime() {
        DeterministicRuntime rt = DeterministicRuntime.fifo();
        List<Long> fired = new ArrayList<>();
        ActorSystem<Object> system = rt.createSystem(echo(fired, rt), "det-smoke", ConfigFactory.load());
        try {
            String reply = rt.await(AskPattern.<Object, String>ask(system, Ping::new, Duration.ofSeconds(3),
                    system.scheduler()), "the pong");
            assertEquals("pong", reply);
            rt.runUntilIdle();
            assertEquals(List.of(), fired, "no timer fires before virtual time moves");
            rt.advanceTo(4_999_999);
            assertEquals(List.of(), fired);
            rt.advanceTo(6_000_000);
            assertEquals(List.of(5_000_000L), fired, "the 5 ms timer fired at virtual 5 ms exactly");
            assertEquals(6_000_000L, rt.nowNanos());
            assertEquals(List.of(Thread.currentThread()), rt.executor().runners());
            assertEquals(List.of(Thread.currentThread()), rt.executor().submitters());
        } finally {
            rt.terminate(system);
        }
        assertTrue(system.getWhenTerminated().toCompletableFuture().isDone());
    }

    @Test
    void awaitingWhatNothingCanCompleteFailsNamingIt() {
        DeterministicRuntime rt = DeterministicRuntime.fifo();
        ActorSystem<Object> system = rt.createSystem(Behaviors.ignore(), "det-stuck", ConfigFactory.load());
        try {
            rt.runUntilIdle();
            StuckException e = assertThrows(StuckException.class,
                    () -> rt.await(new CompletableFuture<String>(), "a reply nobody sends", Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("a reply nobody sends"), e.getMessage());
        } finally {
            rt.terminate(system);
        }
    }

    @Test
    void aPeriodicTaskLeftAtTerminationEndsQuietlyAsOnPekkosOwnScheduler() {
        DeterministicRuntime rt = DeterministicRuntime.fifo();
        ActorSystem<Object> system = rt.createSystem(Behaviors.ignore(), "det-periodic", ConfigFactory.load());
        List<Long> ran = new ArrayList<>();
        system.scheduler().scheduleWithFixedDelay(Duration.ofMillis(1), Duration.ofMillis(1),
                () -> ran.add(rt.nowNanos()), system.executionContext());
        rt.advanceTo(2_500_000);
        assertEquals(List.of(1_000_000L, 2_000_000L), ran);
        rt.terminate(system);
        assertTrue(ran.size() >= 2, "it ran once more on close, as Pekko's contract says: " + ran);
        assertEquals(List.of(), rt.executor().uncaught(),
                "its attempt to re-arm on the closed clock ends it, as a SchedulerException does on Pekko's scheduler");
        VirtualTimers closed = new VirtualTimers();
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> closed.schedule(1, 0, () -> { }));
        assertTrue(e.getCause() instanceof org.apache.pekko.actor.SchedulerException, String.valueOf(e.getCause()));
    }

    @Test
    void atRestMeansNothingQueuedAndNoTaskRunning() {
        for (CallerDrivenExecutor ex : List.of(new CallerDrivenExecutor(), new CallerDrivenExecutor(7))) {
            assertTrue(ex.idle());
            List<Boolean> seenInside = new ArrayList<>();
            ex.execute(() -> seenInside.add(ex.idle()));
            assertEquals(false, ex.idle(), "a task is queued");
            ex.runUntilIdle();
            assertEquals(List.of(false), seenInside, "not at rest inside a task, though nothing else is queued");
            assertTrue(ex.idle());
            ex.execute(() -> {
                throw new IllegalStateException("a task that fails");
            });
            ex.runUntilIdle();
            assertTrue(ex.idle(), "a task that threw has finished too");
        }
    }
}
