package org.iommusim.actors.smmu;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.persistence.smmu.IssuedInvalidation;

/**
 * The SMMU's invalidation port: subscribers (the translation pool's workers)
 * receive every consumed TLBI, numbered and in order, and acknowledge the
 * highest number they have applied. Mailboxes keep per-sender order, so one
 * cumulative number per subscriber is the whole protocol: a CMD_SYNC completes
 * when every subscriber's number has reached the last TLBI before it.
 *
 * <p>Port messages, like the other messages the model's actors send one
 * another and nobody outside waits on (doorbells, write completions,
 * acknowledgements), are {@code DeadLetterSuppression}: once a model is
 * closed one may still be in flight to an actor that has stopped, and that
 * loses nothing. Tests still count every such letter (DropCounter) while a
 * model runs.
 */
public final class InvalidationPort {
    private InvalidationPort() {}

    /** Invalidations to apply, then acknowledge with {@link SmmuEntity.InvalidationsApplied}. */
    public record Invalidate(List<IssuedInvalidation> invalidations, ActorRef<SmmuEntity.Command> ackTo)
            implements org.iommusim.actors.translate.TranslationWorker.Command, org.apache.pekko.actor.DeadLetterSuppression {
        public long lastSeq() {
            return invalidations.get(invalidations.size() - 1).seq();
        }
    }

    /**
     * Deterministic mode: a subscriber's own handler for invalidations, which the SMMU runs inside its own turn
     * (one thread runs the whole model, so no other turn is running).
     */
    @FunctionalInterface
    public interface Direct {
        /**
         * Applies {@code invalidations} and answers true when they count as acknowledged at once; false, and nothing
         * applied, when they must go by message (the subscriber is not serving, or cannot acknowledge yet).
         */
        boolean apply(List<IssuedInvalidation> invalidations);
    }

    /** The subscribers' direct handlers, by subscriber: registered while they can take them. */
    public static final class Directory {
        private final java.util.Map<ActorRef<?>, Direct> handlers = new java.util.concurrent.ConcurrentHashMap<>();

        public void register(ActorRef<?> subscriber, Direct handler) {
            handlers.put(subscriber, handler);
        }

        public void unregister(ActorRef<?> subscriber) {
            handlers.remove(subscriber);
        }

        /** The subscriber's handler, or null. */
        public Direct of(ActorRef<?> subscriber) {
            return handlers.get(subscriber);
        }
    }
}
