package org.iommusim.cluster;

/** The one answer to a {@link PartitionCommand}: done (a value and a line), or refused with the reason. */
public sealed interface PartitionReply {
    record Done(long value, String text) implements PartitionReply {}

    record Refused(String reason) implements PartitionReply {}
}
