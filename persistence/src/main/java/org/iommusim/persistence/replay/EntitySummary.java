package org.iommusim.persistence.replay;

/**
 * What the journal holds for one entity.
 *
 * @param events     events present (deleted ones are not counted)
 * @param firstSeq   the first present sequence number, 0 when none is
 * @param lastSeq    the last present sequence number, 0 when none is
 * @param highestSeq the highest sequence number ever written (Pekko's counter),
 *                   which stays when events are deleted
 */
public record EntitySummary(String persistenceId, long events, long firstSeq, long lastSeq, long highestSeq) {}
