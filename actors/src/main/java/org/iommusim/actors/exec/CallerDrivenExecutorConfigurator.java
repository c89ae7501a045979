package org.iommusim.actors.exec;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * Puts a Pekko dispatcher ({@code type = Dispatcher}, {@code executor =} this
 * class) on the {@link CallerDrivenExecutor} of the
 * {@link DeterministicRuntime} its ActorSystem's configuration names
 * ({@value RuntimeRegistry#ID_PATH}): every dispatcher of one system shares
 * that one queue, and no thread is ever made (the ThreadFactory Pekko
 * offers is not used).
 */
public final class CallerDrivenExecutorConfigurator extends ExecutorServiceConfigurator {
    private final CallerDrivenExecutor executor;

    /** The constructor Pekko calls for {@code executor = "<this class>"}. */
    public CallerDrivenExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        this.executor = RuntimeRegistry.lookup(prerequisites.settings().config()).executor();
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> new View(executor);
    }

    /**
     * One dispatcher's view of the shared queue. Pekko shuts a dispatcher's
     * executor down when the dispatcher has had no actor for a while and makes
     * a new one when it needs it again; shutting a view down must not stop the
     * queue the others share, and a task that reaches a view being shut down
     * still runs (nothing is dropped).
     */
    private static final class View extends AbstractExecutorService {
        private final CallerDrivenExecutor executor;
        private volatile boolean shutdown;

        View(CallerDrivenExecutor executor) {
            this.executor = executor;
        }

        @Override
        public void execute(Runnable command) {
            executor.execute(command);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }
    }
}
