package dev.permwatch.local.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.ErrorStatus;
import ch.qos.logback.core.util.StatusPrinter2;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Points the Kafka log file of {@code permwatch-local-logback.xml} at the data folder chosen on the
 * command line.
 */
final class LogSetup {

    /** System property read by {@code permwatch-local-logback.xml} for the folder of {@code kafka.log}. */
    static final String LOG_DIR_PROPERTY = "permwatch.log.dir";
    /** Name of the log file in the log folder, as {@code permwatch-local-logback.xml} sets it. */
    static final String LOG_FILE_NAME = "kafka.log";

    private LogSetup() {
    }

    /** System property read by {@code permwatch-local-logback.xml}: the lowest level of poll lines on the console. */
    static final String CONSOLE_POLL_LEVEL_PROPERTY = "permwatch.console.poll.level";

    /**
     * Sets the log folder and reloads the logging configuration so the file appender uses it.
     *
     * @return the log file in that folder
     */
    static Path useLogDir(final Path dir) {
        return useLogDir(dir, true);
    }

    /**
     * Sets the log folder as {@link #useLogDir(Path)} does.
     *
     * @param pollLinesOnConsole whether the one-per-poll INFO lines also go to the console. Commands
     *                           that poll thousands of times print their own progress, so they pass
     *                           false and the lines go to the log file only
     * @return the log file in that folder
     */
    static Path useLogDir(final Path dir, final boolean pollLinesOnConsole) {
        System.setProperty(CONSOLE_POLL_LEVEL_PROPERTY, pollLinesOnConsole ? "INFO" : "WARN");
        System.setProperty(LOG_DIR_PROPERTY, dir.toAbsolutePath().toString());
        reconfigure();
        return dir.toAbsolutePath().resolve(LOG_FILE_NAME);
    }

    /** Runs Logback's configuration lookup again, which reads the properties set above. */
    private static void reconfigure() {
        final ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        // Only the Logback backend can be reconfigured, so under another SLF4J provider logging stays as is.
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        final long start = System.currentTimeMillis();
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (final JoranException e) {
            context.getStatusManager().add(new ErrorStatus(
                    "Reloading the logging configuration failed", LogSetup.class, e));
        }
        // Logback prints configuration problems by itself only at the first configuration.
        new StatusPrinter2().printInCaseOfErrorsOrWarnings(context, start);
    }
}
