package org.iommusim.actors.translate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * Splits one burst across the workers its pages hash to and answers with one
 * reply in request order, then stops. A burst within one worker never needs
 * this: it goes to that worker directly.
 */
final class BurstGather {
    private BurstGather() {}

    private record Part(int[] positions, List<TranslationResult> results) {}

    private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(30);

    /** A worker that did not answer: each of its requests is reported as terminated, never silently dropped. */
    private static List<TranslationResult> failed(int n, Throwable failure) {
        List<TranslationResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new org.iommusim.protocol.translate.Terminated(0,
                    "translation worker did not answer: " + (failure == null ? "no reply" : failure.getMessage())));
        }
        return out;
    }

    static Behavior<Part> create(Map<Integer, List<Integer>> byWorker, List<TranslationRequest> requests,
            TranslationPool pool, ActorRef<BurstRouter.BurstReply> replyTo) {
        return Behaviors.setup(ctx -> {
            for (var e : byWorker.entrySet()) {
                int[] positions = e.getValue().stream().mapToInt(Integer::intValue).toArray();
                List<TranslationRequest> part = new ArrayList<>(positions.length);
                for (int p : positions) {
                    part.add(requests.get(p));
                }
                // one ask per part: a message adapter is per class, so it could not tell the parts apart
                ctx.ask(BurstRouter.BurstReply.class, pool.workers().get(e.getKey()), TIMEOUT,
                        reply -> new TranslationWorker.TranslateBurst(part, reply),
                        (r, failure) -> new Part(positions, r instanceof BurstRouter.Results res ? res.results()
                                : failed(positions.length, failure)));
            }
            TranslationResult[] out = new TranslationResult[requests.size()];
            return gathering(out, byWorker.size(), replyTo);
        });
    }

    private static Behavior<Part> gathering(TranslationResult[] out, int remaining,
            ActorRef<BurstRouter.BurstReply> replyTo) {
        return Behaviors.receiveMessage(p -> {
            for (int i = 0; i < p.positions().length; i++) {
                out[p.positions()[i]] = p.results().get(i);
            }
            if (remaining == 1) {
                replyTo.tell(new BurstRouter.Results(Arrays.asList(out)));
                return Behaviors.stopped();
            }
            return gathering(out, remaining - 1, replyTo);
        });
    }
}
