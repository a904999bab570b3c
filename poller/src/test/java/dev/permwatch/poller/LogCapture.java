package dev.permwatch.poller;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every log line of the {@code dev.permwatch} loggers, with stack traces, while open.
 */
public final class LogCapture implements AutoCloseable {

    private static final String LOGGER_NAME = "dev.permwatch";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;

    private LogCapture() {
        appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(final LogEvent event) {
                final StringBuilder line = new StringBuilder()
                        .append(event.getLevel()).append(' ')
                        .append(event.getLoggerName()).append(" - ")
                        .append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    final StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append('\n').append(trace);
                }
                lines.add(line.toString());
            }
        };
    }

    /** Starts recording. */
    public static LogCapture start() {
        final LogCapture capture = new LogCapture();
        capture.appender.start();
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        final Configuration configuration = context.getConfiguration();
        final LoggerConfig loggerConfig = configuration.getLoggerConfig(LOGGER_NAME);
        loggerConfig.addAppender(capture.appender, Level.ALL, null);
        context.updateLoggers();
        return capture;
    }

    /** Returns the lines recorded so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Returns all recorded lines joined by newlines. */
    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getLoggerConfig(LOGGER_NAME).removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
