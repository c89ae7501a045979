package org.iommusim.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.event.Logging;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import org.iommusim.persistence.journal.JournalHealth;
import scala.collection.immutable.Seq;
import org.apache.pekko.dispatch.ExecutionContexts;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import scala.util.Failure;
import scala.util.Try;

/**
 * Pekko's JDBC journal, reporting its failures: a write (or delete) the
 * database refuses or that fails, and one the plugin itself drops because
 * its write queue ({@code jdbc-journal.bufferSize}) is full, is recorded in
 * {@link JournalHealth} under this plugin of this ActorSystem. Every model
 * of the node watches that record ({@code IommuSim}'s journal watch) and
 * then answers every pending and later call with {@code JOURNAL_FAILED} and
 * the reason, instead of leaving its callers to time out behind a stopped
 * entity. What the plugin stores, and how, is unchanged.
 * {@link JdbcJournal#toConfig()} selects this class for {@code jdbc-journal}.
 */
public class GuardedJdbcJournal extends JdbcAsyncWriteJournal {
    /** The record only stops gates (short, never blocking): no hop through a dispatcher. */
    private static final scala.concurrent.ExecutionContextExecutor ON_THE_COMPLETING_THREAD =
            ExecutionContexts.fromExecutor(Runnable::run);

    private final String pluginId;

    /** Pekko passes the plugin's configuration and its path ({@code jdbc-journal}). */
    public GuardedJdbcJournal(Config config, String configPath) {
        super(config);
        this.pluginId = configPath;
    }

    @Override
    public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
        Future<Seq<Try<BoxedUnit>>> f;
        try {
            f = super.asyncWriteMessages(messages);
        } catch (RuntimeException e) {
            record("journal write failed in " + pluginId + ": " + e);
            throw e;
        }
        return reporting(f, "journal write failed in " + pluginId + ": ");
    }

    @Override
    public Future<BoxedUnit> asyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        return reporting(super.asyncDeleteMessagesTo(persistenceId, toSequenceNr),
                "journal delete failed in " + pluginId + " for " + persistenceId + ": ");
    }

    /** {@code f}, its failure recorded where it completes. */
    private <T> Future<T> reporting(Future<T> f, String what) {
        org.apache.pekko.actor.ActorSystem system = context().system();
        return f.transform(t -> {
            if (t instanceof Failure<T> failure) {
                record(system, what + rootMessage(failure.exception()));
            }
            return t;
        }, ON_THE_COMPLETING_THREAD);
    }

    private void record(String reason) {
        record(context().system(), reason);
    }

    private void record(org.apache.pekko.actor.ActorSystem system, String reason) {
        if (JournalHealth.failed(system, pluginId, reason)) {
            Logging.getLogger(system, GuardedJdbcJournal.class).error("{}", reason);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e) : e + " (cause: " + t + ")";
    }
}
