/**
 * A DMA transaction and what the SMMU answers:
 * {@link org.iommusim.protocol.translate.TranslationRequest}, the
 * {@link org.iommusim.protocol.translate.TranslationResult} (translated, faulted or
 * terminated) and the walk detail behind it. The records and enums are immutable
 * and safe to share between threads;
 * {@link org.iommusim.protocol.translate.TranslationBurst} is the one mutable type
 * (see its own comment for which thread may touch it when).
 */
package org.iommusim.protocol.translate;
