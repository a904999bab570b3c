package dev.permwatch.poller;

import dev.permwatch.ops.OpsServer;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.PollerConfigException;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Command-line entry point: {@code java -jar permwatch-poller.jar <poller.properties>}. The API
 * token comes from the environment or a file named in the properties, never from an argument.
 *
 * <p>Exit status: 2 for a usage or configuration error, 1 when the poller fails to start. On
 * SIGINT or SIGTERM a shutdown hook waits for running polls and closes the producer, and the
 * JVM then exits with the usual signal status (130 or 143).
 */
public final class PollerMain {

    private static final Logger LOG = LoggerFactory.getLogger(PollerMain.class);

    static final String USAGE = "Usage: java -jar permwatch-poller.jar <poller.properties>\n"
            + "Polls Cloudflare's API-token permission-group lists and writes snapshots to Kafka.\n"
            + "The API token is read from the environment variable CLOUDFLARE_API_TOKEN, or as set by\n"
            + "permwatch.cloudflare.token.env or permwatch.cloudflare.token.file in the properties file.\n"
            + "See poller.properties.example for every key.";

    private PollerMain() {
    }

    /** Thrown for a usage or configuration error; the message is printed without a stack trace. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(final String message) {
            super(message);
        }
    }

    public static void main(final String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println(USAGE);
            return;
        }

        final PollerConfig config;
        try {
            config = loadConfig(args, System.getenv());
        } catch (final UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }

        final PollerApp app;
        try {
            app = new PollerApp(config, PollListener.NONE);
        } catch (final KafkaException | IllegalStateException e) {
            LOG.error("Poller failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }

        final OpsServer ops;
        try {
            ops = config.ops().enabled()
                    ? OpsServer.start(config.ops(), app.meterRegistry(), app.liveness(), app.readiness()) : null;
        } catch (final UncheckedIOException e) {
            LOG.error("Poller failed to start: {}", e.getMessage());
            app.close();
            System.exit(1);
            return;
        }

        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The app closes first, so readiness turns 503 while running polls finish.
            app.close();
            if (ops != null) {
                ops.close();
            }
            stopped.countDown();
        }, "permwatch-poller-shutdown"));

        try {
            app.start();
        } catch (final IllegalStateException e) {
            LOG.error("Poller failed to start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }

        try {
            stopped.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the properties file named by the only argument and checks it.
     *
     * @throws UsageException with a message for the user when the argument is missing, the file
     *                        cannot be read or the configuration is invalid
     */
    static PollerConfig loadConfig(final String[] args, final Map<String, String> env) throws UsageException {
        if (args.length != 1) {
            throw new UsageException((args.length == 0 ? "Missing the properties file argument.\n"
                    : "Expected one argument, the properties file, but got " + args.length + ".\n") + USAGE);
        }

        final Path file;
        try {
            file = Path.of(args[0]);
        } catch (final InvalidPathException e) {
            throw new UsageException("Invalid properties file path '" + args[0] + "': " + e.getReason() + "\n" + USAGE);
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException("Properties file " + file.toAbsolutePath() + " not found: pass the path of"
                    + " an existing file, for example a copy of poller.properties.example");
        }

        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (final IOException e) {
            throw new UsageException("Cannot read properties file " + file.toAbsolutePath() + ": " + e.getMessage());
        }

        try {
            return PollerConfig.fromProperties(props, env);
        } catch (final PollerConfigException e) {
            throw new UsageException("Invalid configuration in " + file + ": " + e.getMessage());
        }
    }
}
