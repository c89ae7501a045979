package org.iommusim.simulations.scenario;

/**
 * A scenario that cannot be run: the message names the file, the line and
 * the key (e.g. {@code conf/scenarios/x.conf:12: driver.strategy: 'eager' is not one of strict, batched, lazy}).
 */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }
}
