package org.iommusim.actors.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A logback appender for the test suites: every log line that says a message
 * was dropped (a full stash, a dead letter, a {@code Dropped} notice) is
 * written to {@code target/dropped-messages.log}, and the build's enforcer
 * rule fails when that file exists. So no test can pass while the model loses
 * a message, whatever the test itself asserts. The build clears the file
 * before the tests (the clean plugin's {@code clear-dropped-messages}); the
 * appender only ever appends, so a logging restart inside the test JVM, or a
 * child JVM a test starts, cannot erase a drop recorded before.
 */
public class DropWatch extends AppenderBase<ILoggingEvent> {
    private static final List<String> DROPS = List.of("Stash buffer is full", "dead letters encountered",
            "was not delivered", "was dropped", "StashOverflow");

    private Path file = Paths.get("target", "dropped-messages.log");

    /** Where drops go (logback sets it from the configuration). */
    public void setFile(String file) {
        this.file = Paths.get(file);
    }

    /** Whether a log line says a message was dropped (a subclass may forgive some). */
    protected boolean counts(String message) {
        return message != null && DROPS.stream().anyMatch(message::contains);
    }

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (!counts(message)) {
            return;
        }
        String line = event.getLevel() + " " + event.getLoggerName() + " [" + event.getThreadName() + "] " + message
                + System.lineSeparator();
        // also on stderr, so the test report of the class that was running shows it
        System.err.print("DROPPED MESSAGE: " + line);
        synchronized (this) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                addError("cannot record a dropped message in " + file, e);
            }
        }
    }
}
