package org.iommusim.actors.exec;

import scala.Function0;
import scala.concurrent.BlockContext;
import scala.concurrent.CanAwait;

/**
 * What a Scala {@code Await} does on the driver's thread. Pekko itself
 * blocks in a few places while an ActorSystem starts: the logger start-up
 * ({@code LoggingBus.addLogger}: {@code Await.result} on an ask) and the
 * stream materializer ({@code SystemMaterializer}: {@code Await.result} on a
 * promise its guardian actor completes), loaded at start as a library
 * extension. On a caller-driven executor the awaited actor can only run if
 * the waiting thread runs it; {@code Await} goes through the thread's
 * {@link BlockContext}, so this one runs the queue until idle first, after
 * which the awaited result is there and the wait returns at once.
 */
final class PumpingBlockContext implements BlockContext {
    private final DeterministicRuntime runtime;

    PumpingBlockContext(DeterministicRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public <T> T blockOn(Function0<T> thunk, CanAwait permission) {
        runtime.runUntilIdle();
        return thunk.apply();
    }

    /** Runs {@code body} with this context on the calling thread. */
    <T> T around(Function0<T> body) {
        return BlockContext.withBlockContext(this, body);
    }
}
