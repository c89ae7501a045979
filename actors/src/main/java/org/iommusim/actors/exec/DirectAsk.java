package org.iommusim.actors.exec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRefProvider;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.internal.InternalRecipientRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.AskTimeoutException;

/**
 * An ask from outside the actors in a deterministic system: the reply
 * completes a plain JDK future inside the replying actor's turn, which runs
 * on the caller's thread. Pekko's ask would register a temporary actor under
 * {@code /temp} (and remove it), complete a Scala promise and hand its future
 * on through a conversion; at one or more asks per simulated operation that
 * was a few percent of a simulation. Otherwise as Pekko's ask: the first
 * reply wins and later ones go to dead letters, a recipient already
 * terminated fails it at once, and one that does not answer fails it with an
 * {@link AskTimeoutException} once the timeout has passed, in virtual time.
 */
public final class DirectAsk {
    private DirectAsk() {}

    /**
     * Sends {@code message(replyTo)} to {@code target}; the future completes with the first reply.
     *
     * @param runtime the runtime driving {@code system}, whose virtual clock times the ask out
     */
    public static <Req, Res> CompletableFuture<Res> ask(DeterministicRuntime runtime, ActorSystem<?> system,
            RecipientRef<Req> target, Function<ActorRef<Res>, Req> message, Duration timeout) {
        ReplyTo<Res> reply = new ReplyTo<>(system, Adapter.toClassic(system).provider(), target);
        if (target instanceof InternalRecipientRef<?> r && r.isTerminated()) {
            reply.answer.completeExceptionally(new AskTimeoutException("Recipient [" + target
                    + "] had already been terminated."));
            return reply.answer;
        }
        Req request;
        try {
            request = message.apply(reply);
        } catch (Exception e) {
            reply.answer.completeExceptionally(e);
            return reply.answer;
        }
        String type = request == null ? "null" : request.getClass().getName();
        VirtualTimers.Timer timer = runtime.timers().schedule(timeout.toNanos(), 0, () ->
                reply.answer.completeExceptionally(new AskTimeoutException("Ask timed out on [" + target + "] after ["
                        + timeout.toMillis() + " ms]. Message of type [" + type + "]. A typical reason for"
                        + " `AskTimeoutException` is that the recipient actor didn't send a reply.")));
        reply.answer.whenComplete((v, e) -> timer.cancel());
        target.tell(request);
        return reply.answer;
    }

    /** The reply address handed to the recipient: telling it completes the future. */
    private static final class ReplyTo<T> implements ActorRef<T>, InternalRecipientRef<T> {
        private static final long serialVersionUID = 1L;

        private final transient CompletableFuture<T> answer = new CompletableFuture<>();
        private final transient ActorSystem<?> system;
        private final transient ActorRefProvider provider;
        private final transient Object target;
        private transient ActorPath path;

        ReplyTo(ActorSystem<?> system, ActorRefProvider provider, Object target) {
            this.system = system;
            this.provider = provider;
            this.target = target;
        }

        @Override
        public void tell(T msg) {
            if (!answer.complete(msg)) {
                system.deadLetters().tell(msg);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public <U extends T> ActorRef<U> narrow() {
            return (ActorRef<U>) this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <U> ActorRef<U> unsafeUpcast() {
            return (ActorRef<U>) this;
        }

        /** A temporary path, as an ask's, made only when something asks for it (a log line, a dead letter). */
        @Override
        public synchronized ActorPath path() {
            if (path == null) {
                path = provider.tempPath();
            }
            return path;
        }

        @Override
        public int compareTo(ActorRef<?> other) {
            return path().compareTo(other.path());
        }

        @Override
        public ActorRefProvider provider() {
            return provider;
        }

        @Override
        public boolean isTerminated() {
            return answer.isDone();
        }

        @Override
        public String toString() {
            return "Actor[" + path() + "] (reply to an ask of " + target + ")";
        }
    }
}
