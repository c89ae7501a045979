package org.iommusim.persistence.replay;

/**
 * One recorded event as the journal holds it.
 *
 * @param persistenceId the entity, e.g. {@code domain-2}
 * @param sequenceNr    its position in the entity's stream, from 1
 * @param manifest      our serializer's manifest, e.g. {@code D.T}
 * @param payload       the decoded event, or an {@link Undecoded} saying why not
 * @param timestamp     wall-clock milliseconds of the write: differs between identical runs
 * @param writerUuid    the writing incarnation: differs between identical runs
 */
public record JournalEvent(String persistenceId, long sequenceNr, String manifest, Object payload,
                           long timestamp, String writerUuid) {

    public boolean decoded() {
        return !(payload instanceof Undecoded);
    }
}
