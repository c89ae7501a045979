package org.iommusim.actors.translate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * Where a device sends a burst of up to {@code maxBurst} translations in one
 * message to get one reply. A burst that lands on one worker is forwarded to
 * it as it is; one spread over several is split and gathered.
 */
public final class BurstRouter {
    private BurstRouter() {}

    /** Up to {@code maxBurst} translations; one {@link BurstReply}. */

    public record Burst(List<TranslationRequest> requests, ActorRef<BurstReply> replyTo) {}

    /** The answer to a burst. */

    public sealed interface BurstReply {}

    /** The results, in request order. */

    public record Results(List<TranslationResult> results) implements BurstReply {}

    /** An empty burst, or one above the limit. */

    public record TooLarge(String reason) implements BurstReply {}

    public static Behavior<Burst> create(TranslationPool pool, int maxBurst) {
        return Behaviors.setup(ctx -> Behaviors.receiveMessage(b -> {
            if (b.requests().isEmpty() || b.requests().size() > maxBurst) {
                b.replyTo().tell(new TooLarge("a burst holds 1 to " + maxBurst + " requests, got " + b.requests().size()));
                return Behaviors.same();
            }
            Map<Integer, List<Integer>> byWorker = new TreeMap<>();
            for (int i = 0; i < b.requests().size(); i++) {
                TranslationRequest r = b.requests().get(i);
                byWorker.computeIfAbsent(pool.indexFor(r.sid(), r.iova()), k -> new java.util.ArrayList<>()).add(i);
            }
            if (byWorker.size() == 1) {
                pool.workers().get(byWorker.keySet().iterator().next())
                        .tell(new TranslationWorker.TranslateBurst(b.requests(), b.replyTo()));
            } else {
                ctx.spawnAnonymous(BurstGather.create(byWorker, b.requests(), pool, b.replyTo()));
            }
            return Behaviors.same();
        }));
    }
}
