package dev.permwatch.streams;

import dev.permwatch.config.ConfigHelp;
import dev.permwatch.config.InvalidConfigException;
import dev.permwatch.ops.OpsServer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Command line entry point: {@code java -jar permwatch-streams-app.jar <streams.properties|streams.yaml>}.
 *
 * <p>Runs until the JVM is asked to stop (SIGINT or SIGTERM) or the client fails. Exit codes: after
 * a requested stop the JVM's signal status (130 for SIGINT, 143 for SIGTERM), 1 when the client
 * stopped with an error, 2 on a usage or configuration error.
 */
public final class StreamsMain {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(StreamsMain.class);
    private static final String USAGE = "Usage: java -jar permwatch-streams-app.jar <streams.properties|streams.yaml>\n"
            + "Runs the permwatch streams app with the given configuration file. Keys starting with"
            + " 'permwatch.' set topics and options; every other key goes to Kafka Streams and the serdes."
            + " Run with --help for every key; see streams.properties.example and docs/configuration.md.";

    /**
     * Full help: usage, the override rules, and every permwatch key from the key registry, so the
     * list cannot drift from the keys the app accepts.
     */
    static String help() {
        return USAGE + "\n\n"
                + "Every key can be set by an environment variable: PERMWATCH_ and the rest of a permwatch key in\n"
                + "upper case with '.' and '-' as '_' (permwatch.topic.changes: PERMWATCH_TOPIC_CHANGES), or\n"
                + "KAFKA_ and a Kafka Streams, client or serde key (application.id: KAFKA_APPLICATION_ID).\n"
                + "Keys under kafka. are passed with the prefix removed and without a check. Defaults set by\n"
                + "permwatch: application.id=" + StreamsConfigFactory.DEFAULT_APPLICATION_ID
                + ", processing.guarantee=exactly_once_v2.\n"
                + "Exit status: 130 after SIGINT and 143 after SIGTERM (a requested stop), 1 when the client\n"
                + "stopped with an error, 2 for a usage or configuration error.\n\n"
                + "Permwatch keys:\n" + ConfigHelp.text(StreamsKeys.all());
    }

    private StreamsMain() {
    }

    public static void main(final String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(final String[] args, final PrintStream err) {
        return run(args, System.getenv(), System.out, err);
    }

    /** Runs the app until it stops and returns the exit status; {@code env} supplies the overrides. */
    static int run(final String[] args, final Map<String, String> env, final PrintStream out, final PrintStream err) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.print(help());
            return EXIT_OK;
        }
        if (args.length != 1) {
            err.println(USAGE);
            return EXIT_USAGE;
        }

        final Properties props;
        final StreamsApp app;
        try {
            props = load(Path.of(args[0]), env);
            app = new StreamsApp(props);
        } catch (final InvalidConfigException e) {
            err.println("Invalid configuration: " + e.getMessage());
            return EXIT_USAGE;
        } catch (final IllegalArgumentException | ConfigException e) {
            // Messages of ConfigException from the serdes show URLs only with the user info redacted.
            err.println("Invalid configuration: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        } catch (final KafkaException e) {
            // The client constructor connects to nothing, so what fails here is local setup such as
            // a state.dir that is a file or cannot be created.
            err.println("Invalid configuration: " + e.getMessage() + ". Check " + StreamsConfig.STATE_DIR_CONFIG
                    + " and the other Kafka Streams settings in " + args[0]);
            err.println(USAGE);
            return EXIT_USAGE;
        }

        final OpsServer ops;
        try {
            ops = app.opsSettings().enabled()
                    ? OpsServer.start(app.opsSettings(), app.meterRegistry(), app.liveness(), app.readiness()) : null;
        } catch (final UncheckedIOException e) {
            LOG.error("Streams app failed to start: {}", e.getMessage());
            app.close();
            return EXIT_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The client closes first, so readiness turns 503 while it commits and leaves the group.
            app.close();
            if (ops != null) {
                ops.close();
            }
        }, "permwatch-streams-shutdown"));
        app.start();
        try {
            // Returns when the shutdown hook closes the client or the client stops on an error.
            app.awaitStopped(Duration.ofMillis(Long.MAX_VALUE));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
        }
        if (app.state() == KafkaStreams.State.ERROR) {
            LOG.error("Streams app stopped with an error; see the log above for the cause");
            app.close();
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }

    /**
     * Reads a properties or YAML file and applies the environment overrides.
     *
     * @throws InvalidConfigException if the file cannot be read, or contains an unknown client key,
     *                                or {@code env} an unknown {@code PERMWATCH_} or {@code KAFKA_} variable
     */
    public static Properties load(final Path file, final Map<String, String> env) {
        return StreamsKeys.loader().load(file, env).properties();
    }
}
