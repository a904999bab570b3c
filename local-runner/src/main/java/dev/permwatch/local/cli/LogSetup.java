package dev.permwatch.local.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

import java.nio.file.Path;

/** Points the Kafka log file of {@code log4j2.xml} at the data folder chosen on the command line. */
final class LogSetup {

    /** System property read by {@code log4j2.xml} for the folder of {@code kafka.log}. */
    static final String LOG_DIR_PROPERTY = "permwatch.log.dir";

    private LogSetup() {
    }

    /** Sets the log folder and reloads the logging configuration so the file appender uses it. */
    static void useLogDir(final Path dir) {
        System.setProperty(LOG_DIR_PROPERTY, dir.toAbsolutePath().toString());
        // Only the log4j-core backend has a reconfigurable context; under another backend it stays as is.
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            context.reconfigure();
        }
    }
}
