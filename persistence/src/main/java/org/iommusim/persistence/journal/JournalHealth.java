package org.iommusim.persistence.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorSystem;

/**
 * Which journal directories of this JVM have failed, and why: the guarded
 * journal plugin records every refused or failed write and every refused
 * open here, so the code above the persistent actors (the facade) can learn
 * that the journal is gone instead of waiting for asks to time out.
 *
 * <p>A directory's first reason is kept (later ones are usually its
 * consequences); {@link JournalSettings#prepare} clears the record, so a
 * fresh start on the same directory begins healthy. Keys are absolute,
 * normalised journal directories ({@link JournalSettings#journalDir()}).
 *
 * <p>A journal that has no directory (the cluster's SQL journal) is keyed
 * by its plugin in its ActorSystem instead ({@link #failed(ActorSystem,
 * String, String)}): every model in that system persisting through that
 * plugin hears of its failure. That record lives as long as the system.
 */
public final class JournalHealth {
    // keys: a normalised Path, or a Plugin
    private static final ConcurrentHashMap<Object, String> FAILURES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Object, List<Consumer<String>>> LISTENERS = new ConcurrentHashMap<>();

    /** A journal plugin of one ActorSystem (identity: two systems of one name are two journals). */
    private record Plugin(ActorSystem system, String pluginId) {}

    private JournalHealth() {}

    /**
     * Records that the journal under {@code journalDir} failed. The first
     * call for a directory notifies its listeners (on the caller's thread)
     * and returns true; later calls keep the first reason and return false.
     */
    public static boolean failed(Path journalDir, String reason) {
        return failed((Object) key(journalDir), reason);
    }

    /**
     * Records that the journal plugin {@code pluginId} (its configuration
     * path, e.g. {@code jdbc-journal}) of {@code system} failed; as
     * {@link #failed(Path, String)}. The record is dropped when the system
     * terminates.
     */
    public static boolean failed(ActorSystem system, String pluginId, String reason) {
        Plugin key = new Plugin(system, pluginId);
        boolean first = failed((Object) key, reason);
        if (first) {
            try {
                system.registerOnTermination(() -> FAILURES.remove(key));
            } catch (RuntimeException terminated) {
                // a terminated system refuses the callback (RejectedExecutionException in Pekko 1.x):
                // no model of that system is left to tell, and the record must not keep the system alive
                FAILURES.remove(key);
            }
        }
        return first;
    }

    /** Why the plugin {@code pluginId} of {@code system} failed, if it has. */
    public static Optional<String> failure(ActorSystem system, String pluginId) {
        return Optional.ofNullable(FAILURES.get(new Plugin(system, pluginId)));
    }

    private static boolean failed(Object key, String reason) {
        if (FAILURES.putIfAbsent(key, reason) != null) {
            return false;
        }
        for (Consumer<String> l : LISTENERS.getOrDefault(key, List.of())) {
            try {
                l.accept(reason);
            } catch (RuntimeException e) {
                // a listener's bug must not hide the failure from the others
            }
        }
        return true;
    }

    /** Why the journal under {@code journalDir} failed, if it has since its last {@link JournalSettings#prepare}. */
    public static Optional<String> failure(Path journalDir) {
        return Optional.ofNullable(FAILURES.get(key(journalDir)));
    }

    /**
     * The hook for a facade: {@code listener} gets the reason once, when the
     * journal under {@code journalDir} fails (at once, on this thread, if it
     * already has). It runs on the journal's thread: keep it short and never
     * block in it. Closing the returned handle removes the listener.
     */
    public static AutoCloseable onFailure(Path journalDir, Consumer<String> listener) {
        return onFailure((Object) key(journalDir), listener);
    }

    /**
     * As {@link #onFailure(Path, Consumer)}, for the journal plugin
     * {@code pluginId} of {@code system}.
     */
    public static AutoCloseable onFailure(ActorSystem system, String pluginId, Consumer<String> listener) {
        return onFailure(new Plugin(system, pluginId), listener);
    }

    private static AutoCloseable onFailure(Object key, Consumer<String> listener) {
        Consumer<String> once = new Consumer<>() {
            private boolean told;

            @Override
            public synchronized void accept(String reason) {
                if (!told) {
                    told = true;
                    listener.accept(reason);
                }
            }
        };
        LISTENERS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(once);
        String already = FAILURES.get(key);
        if (already != null) {
            once.accept(already);
        }
        return () -> LISTENERS.computeIfPresent(key, (k, l) -> {
            l.remove(once);
            return l.isEmpty() ? null : l;
        });
    }

    /** A fresh start: forgets the directory's failure and the listeners of the run before. */
    static void clear(Path journalDir) {
        Path key = key(journalDir);
        FAILURES.remove(key);
        LISTENERS.remove(key);
    }

    private static Path key(Path journalDir) {
        return journalDir.toAbsolutePath().normalize();
    }
}
