package org.iommusim.persistence.replay;

/** Receives the decoded payloads of one entity's events, in sequence order, during a state replay. */
@FunctionalInterface
interface PayloadSink {
    void accept(long sequenceNr, Object payload);
}
