package org.iommusim.persistence.translate;

import java.util.List;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationResult;

/**
 * What one translation did.
 *
 * @param fills     IOTLB events the miss applied to the shard (for the journal, written behind)
 * @param fault     the event to record in the SMMU's event queue, or null
 * @param path      how the answer was found, for statistics and costs
 * @param walkSteps table descriptors read on a miss (nested walks read stage-2 tables for each stage-1 level)
 */
public record Outcome(TranslationResult result, Path path, List<IotlbEvent> fills, SmmuEvent fault, int walkSteps) {

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
