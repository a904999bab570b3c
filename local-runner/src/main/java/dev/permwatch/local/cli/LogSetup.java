package dev.permwatch.local.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

import java.nio.file.Path;

/** Points the Kafka log file of {@code log4j2.xml} at the data folder chosen on the command line. */
final class LogSetup {

    /** System property read by {@code log4j2.xml} for the folder of {@code kafka.log}. */
    static final String LOG_DIR_PROPERTY = "permwatch.log.dir";
    /** Name of the log file in the log folder, as {@code log4j2.xml} sets it. */
    static final String LOG_FILE_NAME = "kafka.log";

    private LogSetup() {
    }

    /** System property read by {@code log4j2.xml}: the lowest level of poll lines on the console. */
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
     * @param pollLinesOnConsole whether the one-per-poll INFO lines also go to the console; commands
     *                           that poll thousands of times and print their own progress pass false,
     *                           and the lines then go to the log file only
     * @return the log file in that folder
     */
    static Path useLogDir(final Path dir, final boolean pollLinesOnConsole) {
        System.setProperty(CONSOLE_POLL_LEVEL_PROPERTY, pollLinesOnConsole ? "INFO" : "WARN");
        System.setProperty(LOG_DIR_PROPERTY, dir.toAbsolutePath().toString());
        // Only the log4j-core backend has a reconfigurable context; under another backend it stays as is.
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            context.reconfigure();
        }
        return dir.toAbsolutePath().resolve(LOG_FILE_NAME);
    }
}
