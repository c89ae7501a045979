package org.iommusim.protocol.translate;

/**
 * The SMMU's answer to one {@link TranslationRequest}: an output address, a
 * fault (recorded in the event queue), or a silent termination (STE.Config
 * ABORT records no event).
 */
public sealed interface TranslationResult permits Translated, Faulted, Terminated {
    /** One readable line, for logs and the replay tools. */
    String toText();
}
