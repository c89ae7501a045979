package org.iommusim.actors;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.japi.function.Function2;

/**
 * {@code ActorContext.ask} without a thread hop: Pekko's own context ask pipes
 * Scala's CompletableFuture to the actor, and that future runs its callbacks
 * on the common pool (a new thread per callback on one or two cores), so
 * the answer reaches the actor from a foreign thread. In deterministic mode
 * that thread races the caller-driven executor (the runtime may see nothing
 * to run and move virtual time to the ask's timeout). Here the answer is
 * handed on by the thread that delivers the reply, which in deterministic
 * mode is the caller's.
 */
public final class LocalAsk {
    private LocalAsk() {}

    /** As {@link ActorContext#ask}: {@code apply} maps the reply or the failure to a message for the actor. */
    public static <T, Req, Res> void ask(ActorContext<T> ctx, RecipientRef<Req> target, Duration timeout,
            Function<ActorRef<Res>, Req> request, Function2<Res, Throwable, T> apply) {
        CompletableFuture<Res> local = new CompletableFuture<>();
        AskPattern.<Req, Res>ask(target, request, timeout, ctx.getSystem().scheduler())
                .whenCompleteAsync((v, e) -> {
                    if (e != null) {
                        local.completeExceptionally(e);
                    } else {
                        local.complete(v);
                    }
                }, Runnable::run);
        ctx.pipeToSelf(local, apply);
    }
}
