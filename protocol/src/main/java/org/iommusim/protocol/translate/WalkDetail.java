package org.iommusim.protocol.translate;

import java.util.List;

/**
 * What the TCU did for one translation's walk: where its walk caches let the
 * walk start, and every descriptor it read from memory, in order. Given only
 * by the per-request detailed path ({@code IommuSim.translateDetailed}); a
 * burst keeps only each request's descriptor count and addresses
 * ({@code TranslationBurst.descriptorReads}, {@code descriptorAddress}), not
 * this record. Immutable.
 *
 * <p>Order of {@link #descriptors()}: a stage-1 walk's reads from the level
 * it started at down to the leaf (or the level that faulted); then the
 * stage-2 walk of the output IPA. In a nested walk each stage-1 descriptor
 * is preceded by the stage-2 reads that translate its IPA (the full stage-2
 * depth, walked without the walk caches: the count the model charges).
 *
 * @param stage1WalkCacheHitLevel the level of the stage-1 walk-cache entry the walk started from (a table
 *                                entry: the walk read from the next level down; a leaf entry: nothing read),
 *                                or -1 when no stage-1 walk-cache entry hit (or no stage-1 walk)
 * @param stage2WalkCacheHitLevel the same for the stage-2 walk of the output address
 * @param ipaCacheHit             whether the IPA cache answered the stage-2 walk (no stage-2 reads then)
 * @param descriptors             the descriptors read, in walk order
 */
public record WalkDetail(int stage1WalkCacheHitLevel, int stage2WalkCacheHitLevel, boolean ipaCacheHit,
        List<DescriptorRead> descriptors) {
    /** No walk: a TLB hit, or an answer from the configuration. */
    public static final WalkDetail NONE = new WalkDetail(-1, -1, false, List.of());

    /** Copies the list (immutable); refuses null. */
    public WalkDetail {
        if (descriptors == null) {
            throw new IllegalArgumentException("descriptors must not be null");
        }
        descriptors = List.copyOf(descriptors);
    }

    /** The descriptors read from stage {@code stage}'s tables, in order. */
    public List<DescriptorRead> descriptors(int stage) {
        return descriptors.stream().filter(d -> d.stage() == stage).toList();
    }
}
