package org.iommusim.actors.exec;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.persistence.SaveSnapshotFailure;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.snapshot.local.LocalSnapshotStore;
import scala.Function1;
import scala.PartialFunction;
import scala.PartialFunction$;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;

/**
 * The guarded local snapshot store ({@code GuardedSnapshotStore}), with the snapshot's timestamp (part of its
 * file name) taken from the runtime's virtual clock instead of the wall clock
 * {@code SnapshotStore} stamps it with ({@code metadata.copy(timestamp =
 * System.currentTimeMillis)}): a deterministic run names its snapshot files
 * the same way every time. Loading and deleting are Pekko's.
 *
 * <p>The store remembers which snapshots are being written by their stamped
 * metadata and forgets one when told it was saved; that notice carries the
 * wall-clock metadata, so it is translated back to the stamped one here.
 */
public final class DeterministicSnapshotStore extends org.iommusim.persistence.journal.GuardedSnapshotStore {
    private final DeterministicRuntime runtime;
    private final Map<String, SnapshotMetadata> stamped = new HashMap<>();

    /** The constructor Pekko calls with the plugin's configuration. */
    public DeterministicSnapshotStore(Config config) {
        super(config);
        this.runtime = RuntimeRegistry.lookup(context().system().settings().config());
    }

    @Override
    public Future<BoxedUnit> saveAsync(SnapshotMetadata metadata, Object snapshot) {
        SnapshotMetadata virtual = metadata.copy(metadata.persistenceId(), metadata.sequenceNr(),
                runtime.nowNanos() / 1_000_000L);
        stamped.put(key(metadata), virtual);
        return super.saveAsync(virtual, snapshot);
    }

    @Override
    public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
        Function1<Object, Object> restamp = this::restamp;
        return PartialFunction$.MODULE$.fromFunction(restamp).andThen(super.receivePluginInternal());
    }

    private Object restamp(Object message) {
        if (message instanceof SaveSnapshotSuccess s) {
            SnapshotMetadata v = stamped.remove(key(s.metadata()));
            return v == null ? s : new SaveSnapshotSuccess(v);
        }
        if (message instanceof SaveSnapshotFailure f) {
            stamped.remove(key(f.metadata()));
        }
        return message;
    }

    private static String key(SnapshotMetadata m) {
        return m.persistenceId() + "#" + m.sequenceNr();
    }
}
