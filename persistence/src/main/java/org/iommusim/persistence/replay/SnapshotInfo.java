package org.iommusim.persistence.replay;

import java.nio.file.Path;

/**
 * One snapshot file of Pekko's local snapshot store, named
 * {@code snapshot-<URL-encoded persistence id>-<sequence nr>-<timestamp>}.
 *
 * @param timestamp wall-clock milliseconds: differs between identical runs
 * @param size      the file's size in bytes
 */
public record SnapshotInfo(String persistenceId, long sequenceNr, long timestamp, long size, Path file) {}
