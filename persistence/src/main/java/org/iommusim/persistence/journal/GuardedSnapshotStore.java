package org.iommusim.persistence.journal;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.local.LocalSnapshotStore;
import scala.Option;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.runtime.BoxedUnit;
import scala.util.Success;

/**
 * Pekko's local snapshot store, refusing to save while the file system has
 * less than {@link JournalSpace}'s threshold usable.
 *
 * <p>This store cannot crash the JVM: it writes with plain stream writes, so
 * a full disk comes back as an {@code IOException} and a failed save. The
 * check is there because snapshots usually share the journal's file system:
 * a snapshot must not eat the space kept for LevelDB. A refused snapshot
 * costs nothing but recovery time (the events are in the journal), so it
 * is not a journal failure and is not recorded in {@link JournalHealth}.
 */
public class GuardedSnapshotStore extends LocalSnapshotStore {
    private final Path dir;
    private final long minFreeBytes;
    private JournalSpace space;

    /** Pekko passes the plugin's configuration ({@code dir}, ...); the threshold is system-wide. */
    public GuardedSnapshotStore(Config config) {
        super(config);
        this.dir = Path.of(config.getString("dir")).toAbsolutePath().normalize();
        this.minFreeBytes = JournalSpace.minFreeBytes(context().system().settings().config());
    }

    /**
     * Pekko's store tries the newest snapshots in turn and fails recovery
     * when none of them reads (a checksum that does not match, a file cut
     * short). The events are all in the journal (this project never deletes
     * them, and the model's start refuses a journal whose events after its
     * last readable snapshot are not all there), so recovery replays them
     * instead, from the start.
     */
    @Override
    public Future<Option<SelectedSnapshot>> loadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        Future<Option<SelectedSnapshot>> f = super.loadAsync(persistenceId, criteria);
        return f.transform(t -> {
            if (t.isSuccess()) {
                return t;
            }
            log().warning("no snapshot of {} can be read ({}); recovering it from its events",
                    persistenceId, t.failed().get().getMessage());
            return new Success<>(Option.empty());
        }, context().dispatcher());
    }

    @Override
    public Future<BoxedUnit> saveAsync(SnapshotMetadata metadata, Object snapshot) {
        Optional<String> shortfall;
        try {
            if (space == null) {
                space = JournalSpace.of(dir, minFreeBytes);
            }
            shortfall = space.shortfall();
        } catch (IOException e) {
            shortfall = Optional.of("cannot find the file system of " + dir + ": " + e.getMessage());
        }
        if (shortfall.isPresent()) {
            return Promise.<BoxedUnit>failed(new JournalWriteFailedException("snapshot of "
                    + metadata.persistenceId() + " not saved: " + shortfall.get())).future();
        }
        return super.saveAsync(metadata, snapshot);
    }
}
