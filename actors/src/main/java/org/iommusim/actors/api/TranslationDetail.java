package org.iommusim.actors.api;

import java.util.Optional;
import java.util.OptionalLong;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.WalkDetail;

/**
 * One translation and how the model answered it: for a timing model that
 * charges the TLB lookup and the walk's memory reads, and for a VMM that
 * routes faults. Returned by {@link IommuSim#translateDetailed}. Immutable,
 * safe to share between threads.
 *
 * @param result          the answer, as {@link IommuSim#translate} gives it
 * @param path            where it was answered (configuration, TLB hit, TLB miss)
 * @param descriptorReads translation-table descriptors the walk read from memory (0 unless {@code path} is
 *                        {@link TranslationPath#TLB_MISS}; fewer when the TCU's walk caches held the upper levels; a
 *                        nested walk counts the stage-2 reads of each stage-1 level too)
 * @param evictions       TLB entries the fill evicted (0 or 1 for a miss that filled, 0 otherwise)
 * @param configurationReads STEs and CDs read from memory because the TCU's configuration cache did not hold
 *                        them (0 with the default unbounded configuration cache, which holds what each CFGI
 *                        loaded; 1 or 2 on a miss of a bounded one: the STE, and the CD when the STE needs one)
 * @param walk            the walk: the walk-cache level each stage's walk started from, whether the IPA cache
 *                        answered stage 2, and each descriptor read in order ({@link WalkDetail#descriptors()},
 *                        as many as {@code descriptorReads}; named by table page and index, with an address
 *                        where the model gives the tables one); {@link WalkDetail#NONE} unless {@code path} is
 *                        {@link TranslationPath#TLB_MISS}
 */
public record TranslationDetail(TranslationResult result, TranslationPath path, int descriptorReads, int evictions,
        int configurationReads, WalkDetail walk) {

    /** A detail without the walk's descriptors ({@link WalkDetail#NONE}). */
    public TranslationDetail(TranslationResult result, TranslationPath path, int descriptorReads, int evictions,
            int configurationReads) {
        this(result, path, descriptorReads, evictions, configurationReads, WalkDetail.NONE);
    }

    /** Refuses a null path or walk and negative counts. */
    public TranslationDetail {
        if (path == null || walk == null) {
            throw new IllegalArgumentException("path and walk must not be null");
        }
        if (descriptorReads < 0 || evictions < 0 || configurationReads < 0) {
            throw new IllegalArgumentException("counts are 0 or more: reads " + descriptorReads + ", evictions "
                    + evictions + ", configuration reads " + configurationReads);
        }
    }

    /** True when the TCU's configuration cache missed and the STE (and CD) were read from memory. */
    public boolean configurationMiss() {
        return configurationReads > 0;
    }

    /** True when the transaction was translated (including a bypass). */
    public boolean translated() {
        return result instanceof Translated;
    }

    /** The output address of a translated transaction, or empty when it did not translate. */
    public OptionalLong outputAddress() {
        return result instanceof Translated t ? OptionalLong.of(t.outputAddress()) : OptionalLong.empty();
    }

    /** The fault's typed fields, or empty when it translated or was terminated without an event. */
    public Optional<FaultDetail> fault() {
        return result == null ? Optional.empty() : FaultDetail.of(result);
    }
}
