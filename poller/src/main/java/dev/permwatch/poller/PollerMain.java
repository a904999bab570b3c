package dev.permwatch.poller;

import dev.permwatch.config.ConfigHelp;
import dev.permwatch.config.InvalidConfigException;
import dev.permwatch.ops.OpsServer;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.PollerConfigException;
import dev.permwatch.poller.config.PollerKeys;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Command-line entry point: {@code java -jar permwatch-poller.jar <poller.properties|poller.yaml>}. The API
 * token comes from the environment or a file named in the properties, never from an argument.
 *
 * <p>Exit status: 2 for a usage or configuration error, 1 when the poller fails to start. On
 * SIGINT or SIGTERM a shutdown hook waits for running polls and closes the producer, and the
 * JVM then exits with the usual signal status (130 or 143).
 */
public final class PollerMain {

    private static final Logger LOG = LoggerFactory.getLogger(PollerMain.class);

    static final String USAGE = "Usage: java -jar permwatch-poller.jar <poller.properties|poller.yaml>\n"
            + "Polls Cloudflare's API-token permission-group lists and writes snapshots to Kafka.\n"
            + "The API token is read from the environment variable CLOUDFLARE_API_TOKEN, or as set by\n"
            + "permwatch.cloudflare.token.env or permwatch.cloudflare.token.file in the configuration file.\n"
            + "Run with --help for every key; see poller.properties.example and docs/configuration.md.";

    /**
     * Full help: usage, the override rules, and every permwatch key from the key registry, so the
     * list cannot drift from the keys the poller accepts.
     */
    static String help() {
        return USAGE + "\n\n"
                + "Every key can be set by an environment variable: PERMWATCH_ and the rest of a permwatch key in\n"
                + "upper case with '.' and '-' as '_' (permwatch.topic.snapshots: PERMWATCH_TOPIC_SNAPSHOTS), or\n"
                + "KAFKA_ and a Kafka producer or serializer key (bootstrap.servers: KAFKA_BOOTSTRAP_SERVERS).\n"
                + "Other keys go to the Kafka producer and the value serializer; keys under kafka. are passed\n"
                + "with the prefix removed and without a check. Exit status: 2 for a usage or configuration\n"
                + "error, 1 when the poller fails to start.\n\n"
                + "Permwatch keys:\n" + ConfigHelp.text(PollerKeys.all());
    }

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
            System.out.print(help());
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
     * Reads the configuration file named by the only argument, applies the environment and checks it.
     *
     * @throws UsageException with a message for the user when the argument is missing, the file
     *                        cannot be read or the configuration is invalid
     */
    static PollerConfig loadConfig(final String[] args, final Map<String, String> env) throws UsageException {
        if (args.length != 1) {
            throw new UsageException((args.length == 0 ? "Missing the configuration file argument.\n"
                    : "Expected one argument, the configuration file, but got " + args.length + ".\n") + USAGE);
        }

        final Path file;
        try {
            file = Path.of(args[0]);
        } catch (final InvalidPathException e) {
            throw new UsageException("Invalid configuration file path '" + args[0] + "': " + e.getReason() + "\n" + USAGE);
        }

        final Properties props;
        try {
            props = PollerKeys.loader().load(file, env).properties();
        } catch (final InvalidConfigException e) {
            throw new UsageException(e.getMessage());
        }

        try {
            return PollerConfig.fromProperties(props, env);
        } catch (final PollerConfigException e) {
            throw new UsageException("Invalid configuration in " + file + ": " + e.getMessage());
        }
    }
}
