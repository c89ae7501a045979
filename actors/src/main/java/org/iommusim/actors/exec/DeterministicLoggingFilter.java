package org.iommusim.actors.exec;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.event.EventStream;
import org.apache.pekko.event.LogMarker;
import org.apache.pekko.event.slf4j.Slf4jLoggingFilter;

/**
 * Pekko's SLF4J logging filter (what a typed system uses by default), less
 * the warnings of Pekko's {@code Serialization}: it warns, unconditionally,
 * whenever a class of Pekko's own is bound to a serializer that is not
 * ({@code Serialization.warnUnexpectedNonPekkoSerializer}), which is what a
 * deterministic system does on purpose ({@link DeterministicMessageSerializer})
 * and would otherwise report twice per start. Only in a deterministic system;
 * its other warnings (a binding that matches several serializers) come from
 * configuration that the threaded mode, which shares it, still reports.
 */
public final class DeterministicLoggingFilter extends Slf4jLoggingFilter {
    private static final String SERIALIZATION = "org.apache.pekko.serialization.Serialization";

    /** The constructor Pekko calls ({@code pekko.logging-filter}). */
    public DeterministicLoggingFilter(ActorSystem.Settings settings, EventStream eventStream) {
        super(settings, eventStream);
    }

    @Override
    public boolean isWarningEnabled(Class<?> logClass, String logSource) {
        return !fromSerialization(logSource) && super.isWarningEnabled(logClass, logSource);
    }

    @Override
    public boolean isWarningEnabled(Class<?> logClass, String logSource, LogMarker marker) {
        return !fromSerialization(logSource) && super.isWarningEnabled(logClass, logSource, marker);
    }

    /** Pekko names a string log source with its system appended: {@code ...Serialization(pekko://name)}. */
    private static boolean fromSerialization(String logSource) {
        return logSource != null && logSource.startsWith(SERIALIZATION)
                && (logSource.length() == SERIALIZATION.length() || logSource.charAt(SERIALIZATION.length()) == '(');
    }
}
