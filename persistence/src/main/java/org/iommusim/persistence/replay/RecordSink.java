package org.iommusim.persistence.replay;

/**
 * Receives one entity's stored event records, in sequence order, during a
 * state replay: undecoded, so that decoding can run on the thread that
 * applies them rather than on the one reading LevelDB.
 */
@FunctionalInterface
interface RecordSink {
    void accept(long sequenceNr, byte[] value);
}
