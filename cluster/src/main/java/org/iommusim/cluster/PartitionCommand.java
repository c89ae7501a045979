package org.iommusim.cluster;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.UnmapSegment;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * What a node sends an SMMU partition ({@link SmmuPartition}) across the
 * cluster: each request names what it acts on and whom to answer; every
 * request gets one {@link PartitionReply}. Encoded by {@link PartitionSerializer}
 * with the journal's own codecs.
 */
public sealed interface PartitionCommand extends PartitionMessage {
    ActorRef<PartitionReply> replyTo();

    record AllocateDomain(long domain, DomainSpec spec, ActorRef<PartitionReply> replyTo) implements PartitionCommand {}

    record Map(long domain, List<MapSegment> segments, ActorRef<PartitionReply> replyTo) implements PartitionCommand {}

    record Unmap(long domain, List<UnmapSegment> segments, ActorRef<PartitionReply> replyTo)
            implements PartitionCommand {}

    record WriteSte(int sid, Ste ste, ActorRef<PartitionReply> replyTo) implements PartitionCommand {}

    record WriteCd(int sid, int ssid, Cd cd, ActorRef<PartitionReply> replyTo) implements PartitionCommand {}

    /** Command-queue entries; answered once the SMMU consumed them (a CMD_SYNC among them completed). */
    record Submit(List<RawCommand> entries, ActorRef<PartitionReply> replyTo) implements PartitionCommand {}

    /** Answered with the result's line ({@code TranslationResult.toText}). */
    record Translate(TranslationRequest request, ActorRef<PartitionReply> replyTo) implements PartitionCommand {}

    /**
     * Answered with one line: invalidations issued, syncs completed and the
     * consumer index, then each domain's page-table digest and leaf count.
     */
    record Describe(List<Long> domains, ActorRef<PartitionReply> replyTo) implements PartitionCommand {}
}
