package org.iommusim.simulations.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliLoggingProviderTest {
    /** Logback's events read the MDC through the provider's adapter, and keep what it held when they were made. */
    @Test
    void logbackEventsCarryTheMdc() {
        CliLoggingProvider provider = new CliLoggingProvider();
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        assertSame(provider.getMDCAdapter(), context.getMDCAdapter());
        Logger logger = context.getLogger("mdc-test");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.setContext(context);
        events.start();
        logger.addAppender(events);
        logger.setAdditive(false);
        provider.getMDCAdapter().put("persistenceId", "domain-7");
        logger.warn("with a context");
        // an event reads the MDC when first asked (an appender formatting it), as with Logback's own adapter
        Map<String, String> first = events.list.get(0).getMDCPropertyMap();
        provider.getMDCAdapter().clear();
        logger.warn("without");
        assertEquals(2, events.list.size());
        assertEquals(Map.of("persistenceId", "domain-7"), first);
        assertEquals(Map.of("persistenceId", "domain-7"), events.list.get(0).getMDCPropertyMap());
        assertEquals(Map.of(), events.list.get(1).getMDCPropertyMap());
        context.stop();
    }

    @Test
    void selectNamesItOnlyWhenNoProviderIsNamed() {
        String provider = System.getProperty(CliLoggingProvider.PROVIDER_PROPERTY);
        String verbosity = System.getProperty("slf4j.internal.verbosity");
        try {
            System.clearProperty(CliLoggingProvider.PROVIDER_PROPERTY);
            System.clearProperty("slf4j.internal.verbosity");
            CliLoggingProvider.select();
            assertEquals(CliLoggingProvider.class.getName(), System.getProperty(CliLoggingProvider.PROVIDER_PROPERTY));
            assertEquals("WARN", System.getProperty("slf4j.internal.verbosity"));
            System.setProperty(CliLoggingProvider.PROVIDER_PROPERTY, "some.other.Provider");
            System.setProperty("slf4j.internal.verbosity", "DEBUG");
            CliLoggingProvider.select();
            assertEquals("some.other.Provider", System.getProperty(CliLoggingProvider.PROVIDER_PROPERTY));
            assertEquals("DEBUG", System.getProperty("slf4j.internal.verbosity"));
        } finally {
            restore(CliLoggingProvider.PROVIDER_PROPERTY, provider);
            restore("slf4j.internal.verbosity", verbosity);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
