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

    /**
     * Sets the log folder and reloads the logging configuration so the file appender uses it.
     *
     * @return the log file in that folder
     */
    static Path useLogDir(final Path dir) {
        System.setProperty(LOG_DIR_PROPERTY, dir.toAbsolutePath().toString());
        // Only the log4j-core backend has a reconfigurable context; under another backend it stays as is.
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            context.reconfigure();
        }
        return dir.toAbsolutePath().resolve(LOG_FILE_NAME);
    }
}
