package org.iommusim.persistence.replay;

/**
 * Every stored event record of a LevelDB journal as it is stored (serializer
 * id, manifest and payload bytes untouched, writer, write time): what a copy
 * into another journal (the SQL journal of the cluster mode) must carry so
 * that the replay tools read the same events there.
 */
public final class StoredRecords {
    private StoredRecords() {}

    /** One stored event record. */
    public record Row(String persistenceId, long sequenceNr, int serializerId, String manifest, byte[] payload,
            String writerUuid, long timestamp) {}

    @FunctionalInterface
    public interface RowSink {
        void accept(Row row);
    }

    /** Every event of every entity of {@code reader}, entity by entity, in sequence order. */
    public static void each(JournalReader reader, RowSink sink) {
        StoredMessage m = new StoredMessage();
        for (String pid : reader.persistenceIds()) {
            reader.records(pid, 1, Long.MAX_VALUE, (seq, value) -> {
                m.scan(value, pid, seq);
                sink.accept(new Row(pid, seq, m.serializerId(), m.manifest(), m.payload(), m.writerUuid(),
                        m.timestamp()));
            });
        }
    }
}
