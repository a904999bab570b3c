package dev.permwatch.streams.control;

import dev.permwatch.config.InvalidConfigException;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.OperatorCommandType;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import dev.permwatch.streams.StreamsAppConfig;
import dev.permwatch.streams.StreamsConfigFactory;
import dev.permwatch.streams.StreamsMain;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Command line tool that confirms the removals the shrink guard held for one snapshot. It writes
 * a CONFIRM_HELD_REMOVALS command to the control topic, keyed by source key, and the streams app
 * then emits the held groups as REMOVED change events.
 *
 * <p>Usage: {@code <streams.properties> --source <key> --snapshot <id> [--requested-by <name>]}.
 * It reads the streams app's own properties file, so it uses the same brokers, registry and
 * control topic. The streams app rejects and logs a command whose snapshot holds no removals.
 * Exit codes: 0 when the command was written, 1 when writing failed, 2 on a usage or
 * configuration error.
 */
public final class ConfirmHeldRemovals {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /** Maximum time to wait for the broker to acknowledge the command. */
    static final long SEND_TIMEOUT_SECONDS = 60;

    private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String USAGE = "Usage: ConfirmHeldRemovals <streams.properties> --source <key>"
            + " --snapshot <id> [--requested-by <name>]\n"
            + "Confirms the removals held for one snapshot, so the streams app emits them as REMOVED events.\n"
            + "  --source        source key from the REMOVALS_HELD alert: user or account:<32 hex account id>\n"
            + "  --snapshot      snapshot id from the REMOVALS_HELD alert (32 hex characters)\n"
            + "  --requested-by  name recorded in the command and the confirmation alert (default: the OS user)";

    private ConfirmHeldRemovals() {
    }

    public static void main(final String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC(), ConfirmHeldRemovals::kafkaProducer));
    }

    /**
     * Parses {@code args}, builds the command and writes it with a producer from {@code producers}.
     *
     * @param producers creates the producer from the Kafka client configuration; the tool closes it
     * @return the exit code
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err, final Clock clock,
                          final Function<Map<String, Object>, Producer<String, OperatorCommand>> producers) {
        final Arguments arguments;
        final StreamsAppConfig config;
        try {
            arguments = Arguments.parse(args);
            config = StreamsConfigFactory.create(StreamsMain.load(Path.of(arguments.propertiesFile()),
                    System.getenv()), clock);
        } catch (final IllegalArgumentException | InvalidConfigException e) {
            err.println("Invalid arguments: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }

        final OperatorCommand command = OperatorCommand.newBuilder()
                .setCommand(OperatorCommandType.CONFIRM_HELD_REMOVALS)
                .setSource(arguments.source())
                .setSnapshotId(arguments.snapshotId())
                .setRequestedBy(arguments.requestedBy())
                .setRequestedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .build();
        final String topic = config.topologySettings().controlTopic();
        final String key = Sources.key(arguments.source());

        try (Producer<String, OperatorCommand> producer = producers.apply(config.serdeConfig())) {
            final RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, key, command))
                    .get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.println("Sent CONFIRM_HELD_REMOVALS for source " + key + " snapshot " + arguments.snapshotId()
                    + " to " + topic + " partition " + metadata.partition() + " offset " + metadata.offset()
                    + ". The streams app raises HELD_REMOVALS_CONFIRMED when it applies it, and logs a"
                    + " rejection if that snapshot holds no removals.");
            return EXIT_OK;
        } catch (final ExecutionException e) {
            return failed(err, topic, e.getCause(), arguments);
        } catch (final KafkaException e) {
            // Thrown by send() itself, for example when the Schema Registry cannot register the schema.
            return failed(err, topic, e, arguments);
        } catch (final TimeoutException e) {
            err.println("Timed out after " + SEND_TIMEOUT_SECONDS + " s writing the command to " + topic
                    + ". Check that the brokers in bootstrap.servers are reachable");
            return EXIT_FAILED;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Interrupted while writing the command to " + topic);
            return EXIT_FAILED;
        }
    }

    private static int failed(final PrintStream err, final String topic, final Throwable cause,
                              final Arguments arguments) {
        err.println("Failed to write the command to " + topic + ": " + cause.getMessage()
                + ". Check bootstrap.servers and schema.registry.url in " + arguments.propertiesFile());
        return EXIT_FAILED;
    }

    /** Creates the producer that {@link #main} uses: String keys, Avro values with the configured registry. */
    public static Producer<String, OperatorCommand> kafkaProducer(final Map<String, Object> clientConfig) {
        final SpecificAvroSerde<OperatorCommand> serde = new SpecificAvroSerde<>();
        serde.configure(clientConfig, false);
        final Properties props = new Properties();
        props.putAll(clientConfig);
        return new KafkaProducer<>(props, new StringSerializer(), serde.serializer());
    }

    /** Parsed command line. */
    record Arguments(String propertiesFile, Source source, String snapshotId, String requestedBy) {

        static Arguments parse(final String[] args) {
            if (args.length == 0 || args[0].startsWith("--") || args[0].equals("-h")) {
                throw new IllegalArgumentException("missing the streams properties file as first argument");
            }
            String source = null;
            String snapshot = null;
            String requestedBy = System.getProperty("user.name", "unknown");
            for (int i = 1; i < args.length; i += 2) {
                final String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + option);
                }
                final String value = args[i + 1];
                switch (option) {
                    case "--source" -> source = value;
                    case "--snapshot" -> snapshot = value;
                    case "--requested-by" -> requestedBy = value;
                    default -> throw new IllegalArgumentException("unknown option '" + option
                            + "'; expected --source, --snapshot or --requested-by");
                }
            }
            if (source == null) {
                throw new IllegalArgumentException("missing --source");
            }
            if (snapshot == null) {
                throw new IllegalArgumentException("missing --snapshot");
            }
            if (!SNAPSHOT_ID.matcher(snapshot).matches()) {
                throw new IllegalArgumentException("invalid snapshot id '" + snapshot
                        + "': expected 32 lowercase hex characters, as in the REMOVALS_HELD alert");
            }
            if (requestedBy.isBlank()) {
                throw new IllegalArgumentException("--requested-by must not be blank");
            }
            return new Arguments(args[0], Sources.fromKey(source), snapshot, requestedBy);
        }
    }
}
