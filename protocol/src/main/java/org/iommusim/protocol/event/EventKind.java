package org.iommusim.protocol.event;

/**
 * The four shapes an event record comes in. The shape decides which words
 * and dw1 fields a record may use; everything else must be zero.
 */
public enum EventKind {
    /** Faults on a transaction: uses dw0, all dw1 fields, dw2 (input address) and dw3 (IPA). */
    TRANSLATION_FAULT,
    /** Configuration errors found while locating the STE or CD: uses dw0 only. */
    CONFIGURATION,
    /** External aborts while fetching a structure: uses dw0 and dw3 (fetch address). */
    FETCH_ABORT,
    /** ATS/PRI page request: uses dw0, PnU/InD/RnW in dw1, and dw2 (input address). */
    PAGE_REQUEST
}
