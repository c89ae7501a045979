package org.iommusim.cluster;

/** The one answer to a {@link PartitionCommand}: done (a value and a line), or refused with the reason. */
public sealed interface PartitionReply {
    record Done(long value, String text) implements PartitionReply {}

    /**
     * Refused: {@code kind} is the model's {@code ModelException.Kind} name
     * (e.g. {@code JOURNAL_FAILED}, {@code OVERLOADED}, {@code MODEL_FAILED}),
     * or {@link #INVALID} for a request the model rejected as malformed;
     * {@code reason} names the problem in one line.
     */
    record Refused(String kind, String reason) implements PartitionReply {
        /** The kind of a refusal that is not a model refusal: bad input, named by the reason. */
        public static final String INVALID = "INVALID";
    }
}
