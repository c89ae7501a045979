package org.iommusim.simulations.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;

/**
 * How much of a run the checker remembers, from {@code iommu-sim.checker}
 * in the configuration ({@code conf/application.conf}; defaults here):
 * {@code history-horizon} (a duration: how long a released mapping is
 * remembered after its release or its last use, see {@link History}) and
 * {@code examples-per-rule} (violations listed in full per rule; every
 * violation is counted).
 *
 * @param historyHorizonNs virtual nanoseconds (real ones in concurrent runs)
 * @param examplesPerRule  violations kept with their explanation, per rule
 */
record CheckerSettings(long historyHorizonNs, int examplesPerRule) {
    /** Ten times the usual lazy flush timeout: far longer than any cache keeps an unused entry in the scenarios. */
    static final long DEFAULT_HISTORY_HORIZON_NS = 100_000_000L;
    static final int DEFAULT_EXAMPLES_PER_RULE = 100;

    CheckerSettings {
        if (historyHorizonNs < 0) {
            throw new IllegalArgumentException("iommu-sim.checker.history-horizon must not be negative");
        }
        if (examplesPerRule < 0) {
            throw new IllegalArgumentException("iommu-sim.checker.examples-per-rule must not be negative");
        }
    }

    static CheckerSettings defaults() {
        return new CheckerSettings(DEFAULT_HISTORY_HORIZON_NS, DEFAULT_EXAMPLES_PER_RULE);
    }

    /** From the loaded configuration (system properties, -Dconfig.file, application.conf), else the defaults. */
    static CheckerSettings configured() {
        return of(ConfigFactory.load());
    }

    static CheckerSettings of(Config config) {
        String path = "iommu-sim.checker.";
        long horizon = config.hasPath(path + "history-horizon")
                ? config.getDuration(path + "history-horizon", TimeUnit.NANOSECONDS) : DEFAULT_HISTORY_HORIZON_NS;
        int examples = config.hasPath(path + "examples-per-rule")
                ? config.getInt(path + "examples-per-rule") : DEFAULT_EXAMPLES_PER_RULE;
        return new CheckerSettings(horizon, examples);
    }
}
