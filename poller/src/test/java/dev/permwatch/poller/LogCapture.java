package dev.permwatch.poller;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every log line of the {@code dev.permwatch} loggers, with stack traces, while open.
 */
public final class LogCapture implements AutoCloseable {

    private static final String LOGGER_NAME = "dev.permwatch";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender;

    private LogCapture() {
        appender = new AppenderBase<>() {
            @Override
            protected void append(final ILoggingEvent event) {
                final StringBuilder line = new StringBuilder()
                        .append(event.getLevel()).append(' ')
                        .append(event.getLoggerName()).append(" - ")
                        .append(event.getFormattedMessage());
                if (event.getThrowableProxy() != null) {
                    line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                }
                lines.add(line.toString());
            }
        };
        appender.setName("capture-" + UUID.randomUUID());
    }

    /** Starts recording. */
    public static LogCapture start() {
        final LogCapture capture = new LogCapture();
        capture.appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        capture.appender.start();
        permwatchLogger().addAppender(capture.appender);
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
        permwatchLogger().detachAppender(appender);
        appender.stop();
    }

    private static Logger permwatchLogger() {
        return (Logger) LoggerFactory.getLogger(LOGGER_NAME);
    }
}
