package org.iommusim.persistence.translate;

import java.util.List;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.WalkDetail;

/**
 * What one translation did.
 *
 * @param fills     IOTLB events the miss applied to the shard (for the journal, written behind)
 * @param fault     the event to record in the SMMU's event queue, or null
 * @param path      how the answer was found, for statistics and costs
 * @param walkSteps table descriptors read on a miss (nested walks read stage-2 tables for each stage-1 level)
 * @param configReads STEs and CDs read from the stream table on misses of the TCU's bounded configuration
 *                  cache (0 when it is unbounded, or everything hit)
 * @param walk      the walk's detail (walk-cache hit levels, each descriptor read), only when the caller asked
 *                  for it ({@link ShardTranslator#translateTraced}); null otherwise
 */
public record Outcome(TranslationResult result, Path path, List<IotlbEvent> fills, SmmuEvent fault, int walkSteps,
        int configReads, WalkDetail walk) {

    /** An outcome without the walk's detail. */
    public Outcome(TranslationResult result, Path path, List<IotlbEvent> fills, SmmuEvent fault, int walkSteps,
            int configReads) {
        this(result, path, fills, fault, walkSteps, configReads, null);
    }

    /** An outcome that read no configuration from memory. */
    public Outcome(TranslationResult result, Path path, List<IotlbEvent> fills, SmmuEvent fault, int walkSteps) {
        this(result, path, fills, fault, walkSteps, 0);
    }

    /** This outcome, having read {@code n} STEs and CDs from the stream table. */
    public Outcome withConfigReads(int n) {
        return n == configReads ? this : new Outcome(result, path, fills, fault, walkSteps, n, walk);
    }

    /** This outcome with the walk's detail. */
    public Outcome withWalk(WalkDetail w) {
        return new Outcome(result, path, fills, fault, walkSteps, configReads, w);
    }

    public enum Path {
        /** Answered by the configuration: bypass, abort, or a configuration fault. */
        CONFIG(TranslationPath.CONFIGURATION),
        HIT(TranslationPath.TLB_HIT),
        MISS(TranslationPath.TLB_MISS);

        private final TranslationPath published;

        Path(TranslationPath published) {
            this.published = published;
        }

        /** The same path in the protocol's terms (what a burst's answers and the embedding API say). */
        public TranslationPath published() {
            return published;
        }
    }
}
