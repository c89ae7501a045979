package org.iommusim.persistence.replay;

/**
 * One recorded event as the journal holds it.
 *
 * @param persistenceId the entity, e.g. {@code domain-2}
 * @param sequenceNr    its position in the entity's stream, from 1
 * @param manifest      our serializer's manifest of the event, e.g. {@code D.T} (a stamped event's
 *                      envelope prefix left out)
 * @param payload       the decoded event, or an {@link Undecoded} saying why not
 * @param timestamp     milliseconds of the write: wall-clock, differing between identical runs, or in
 *                      deterministic mode the virtual time
 * @param writerUuid    the writing incarnation: random, or in deterministic mode derived from the
 *                      persistence id and the incarnation's first sequence number
 * @param stamp         the event's place in the model's causal order, or null in a journal written
 *                      before events were stamped (then only {@code timestamp} relates entities)
 */
public record JournalEvent(String persistenceId, long sequenceNr, String manifest, Object payload,
                           long timestamp, String writerUuid, org.iommusim.persistence.serialization.CausalStamp stamp) {

    public boolean stamped() {
        return stamp != null;
    }

    public boolean decoded() {
        return !(payload instanceof Undecoded);
    }
}
