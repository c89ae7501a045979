package org.iommusim.simulations.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.Util;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Logback, configured as Logback configures itself, with the MDC held by
 * {@link ReusingMdcAdapter}. The command line selects it ({@link #select})
 * for its own JVM only: a library must not choose its embedder's logging,
 * so an embedding model keeps whatever SLF4J provider its application has.
 */
public final class CliLoggingProvider implements SLF4JServiceProvider {
    /** SLF4J's system property naming the provider to load instead of searching the class path. */
    static final String PROVIDER_PROPERTY = "slf4j.provider";

    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final ReusingMdcAdapter mdc = new ReusingMdcAdapter();

    /**
     * Makes SLF4J load this provider, unless the JVM was told another one;
     * call before anything logs. SLF4J reports a provider named this way with
     * an informational line on stderr, where the command line prints only its
     * own messages: its internal reports are kept to warnings, unless the JVM
     * was told a verbosity.
     */
    public static void select() {
        if (System.getProperty(PROVIDER_PROPERTY) == null) {
            System.setProperty(PROVIDER_PROPERTY, CliLoggingProvider.class.getName());
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        try {
            new ContextInitializer(context).autoConfig();
        } catch (JoranException e) {
            Util.report("Failed to auto configure default logger context", e);
        }
        if (!StatusUtil.contextHasStatusListener(context)) {
            StatusPrinter.printInCaseOfErrorsOrWarnings(context);
        }
        context.start();
    }
}
