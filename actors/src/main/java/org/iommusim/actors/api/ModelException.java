package org.iommusim.actors.api;

/**
 * A request the model refused or could not answer, with the reason in words
 * and a {@link Kind}. Thrown by the blocking calls; the asynchronous ones
 * complete exceptionally with it. Every failure the facade reports is one of
 * these (or an {@link IllegalArgumentException} for a bad argument, thrown at
 * once on the caller's thread).
 * Unchecked; immutable once thrown.
 */
public final class ModelException extends RuntimeException {

    /** What went wrong, for code that reacts to it. */
    public enum Kind {
        // ---- domain allocation (the pure rule's refusals)
        /** No such domain has been allocated (or it was freed). */
        UNKNOWN_DOMAIN,
        /** The domain id is already in use. */
        ALREADY_ALLOCATED,
        /** The SMMU lacks the stage the spec asks for. */
        STAGE_UNSUPPORTED,
        /** Nesting needs both stages. */
        NESTING_UNSUPPORTED,
        /** A nested domain's parent does not exist. */
        PARENT_UNKNOWN,
        /** A nested domain's parent is not a stage-2 domain. */
        PARENT_NOT_STAGE2,
        /** A nested domain cannot be a parent. */
        NESTED_ON_NESTED,
        /** The granule is not advertised. */
        GRANULE_UNSUPPORTED,
        /** IAS or OAS beyond what the SMMU (or the parent) supports. */
        ADDRESS_SIZE_UNSUPPORTED,
        /** ASID or VMID wider than the SMMU advertises. */
        TAG_OUT_OF_RANGE,
        // ---- page tables (map and unmap)
        /** Mapping over an existing leaf (EEXIST). */
        OVERLAP,
        /** Unmapping a range with no mapping (ENOENT). */
        NOT_MAPPED,
        /** Unmapping part of a block or area (ENOENT). */
        PARTIAL_UNMAP,
        /** An address or size not a multiple of the page size (EINVAL). */
        MISALIGNED,
        /** An IOVA at or beyond 2^IAS (ERANGE). */
        IOVA_BEYOND_IAS,
        /** A PA at or beyond 2^OAS (ERANGE). */
        PA_BEYOND_OAS,
        /** A segment of size zero (EINVAL). */
        ZERO_SIZE,
        /** A mapping with neither read nor write (EINVAL). */
        NO_ACCESS,
        // ---- SMMUs, streams and the command queue
        /** {@code addSmmu} with a name already added. */
        DUPLICATE_SMMU,
        /** No SMMU of that name was added. */
        UNKNOWN_SMMU,
        /** A stream refused an STE or CD write. */
        STREAM_REFUSED,
        /** The command queue has no room for the entries. */
        QUEUE_FULL,
        /** The SMMU refused a request (the message says why). */
        REJECTED,
        /** The command queue halted at or before the awaited entry: CERROR_ILL. */
        CERROR_ILL,
        /** The command queue halted: CERROR_ABT. */
        CERROR_ABT,
        /** The command queue halted: CERROR_ATC_INV_SYNC. */
        CERROR_ATC_INV_SYNC,
        // ---- VMID and ASID allocation
        /** Every VMID (or ASID) the advertised width allows is in use or awaiting its flush. */
        ID_EXHAUSTED,
        /** A VMID on an SMMU without stage 2, or an ASID without stage 1. */
        ID_UNSUPPORTED,
        /** Releasing an id that is not allocated. */
        ID_NOT_IN_USE,
        /** A released id's flush (TLBI + CMD_SYNC) failed: the id stays reserved until it is flushed. */
        FLUSH_FAILED,
        // ---- translation
        /** A burst with no request. */
        BURST_EMPTY,
        /** A burst with more requests than the port allows. */
        BURST_TOO_LARGE,
        /** A burst submitted again before it completed. */
        BURST_IN_FLIGHT,
        // ---- the model as a whole
        /** More calls in flight to one entity than it can hold; nothing was done. Try again later. */
        OVERLOADED,
        /** No answer within the call timeout (virtual time in deterministic mode). */
        TIMEOUT,
        /** Deterministic mode: the call can never be answered (nothing left to run, no timer due). */
        STUCK,
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED,
        /** The model is closed (or closing); nothing was done. */
        CLOSED,
        /** A journal write failed (disk full, I/O error); the model stops serving. Nothing acknowledged is lost. */
        JOURNAL_FAILED,
        /**
         * The journal directory cannot be trusted (a gap in an entity's events, a corrupt or truncated log or
         * table, a counter that disagrees with the events, a missing CURRENT or MANIFEST): the model refused to
         * start on it, and changed nothing there. The message names the file, the entity and the range.
         */
        JOURNAL_DAMAGED,
        /**
         * The journal directory cannot be used: not creatable or writable, below the free-space threshold, or
         * in use by this or another process ({@link IommuSim#start} refuses to start). The message names the
         * directory and the reason; the cause is the journal's own exception.
         */
        JOURNAL_UNAVAILABLE,
        /** A model actor stopped unexpectedly; the message names it. */
        MODEL_FAILED;

        /** The kind of a pure state machine's refusal, by its name (domain and page-table kinds share names). */
        static Kind named(String name) {
            return valueOf(name);
        }
    }

    private final Kind kind;

    /**
     * A refusal of this kind.
     *
     * @param kind    why the request failed
     * @param message one line naming the reason
     */
    public ModelException(Kind kind, String message) {
        super(message);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /**
     * A refusal of this kind, caused by {@code cause}.
     *
     * @param kind    why the request failed
     * @param message one line naming the reason
     * @param cause   the failure underneath (kept for the log; the kind and message say what happened)
     */
    public ModelException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** Why the request failed. */
    public Kind kind() {
        return kind;
    }
}
