package dev.permwatch.streams.deadletter;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.AlertSeverity;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import dev.permwatch.streams.StreamsConfigFactory;
import dev.permwatch.streams.alert.AlertIds;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Builds the records written for one input record that could not be processed: the dead-letter
 * record with the original key, value and headers, and a DEAD_LETTER alert.
 *
 * <p>The dead-letter record carries the error headers of Kafka Streams' own dead-letter queue
 * (KIP-1034, header names as in Kafka Streams 4.4.0), so tools written for it can read permwatch's.
 */
final class DeadLetters implements AutoCloseable {

    static final String HEADER_EXCEPTION = "__streams.errors.exception";
    static final String HEADER_MESSAGE = "__streams.errors.message";
    static final String HEADER_STACKTRACE = "__streams.errors.stacktrace";
    static final String HEADER_TOPIC = "__streams.errors.topic";
    static final String HEADER_PARTITION = "__streams.errors.partition";
    static final String HEADER_OFFSET = "__streams.errors.offset";

    private final String deadLetterTopic;
    private final String alertsTopic;
    private final SpecificAvroSerde<Alert> alertSerde = new SpecificAvroSerde<>();

    /**
     * @param configs the Streams configuration, with {@code errors.dead.letter.queue.topic.name},
     *                {@code dead.letter.alerts.topic.name} and the serde settings that
     *                {@link StreamsConfigFactory} puts there
     * @throws IllegalArgumentException if a topic name is missing
     */
    DeadLetters(final Map<String, ?> configs) {
        this.deadLetterTopic = requireTopic(configs, StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        this.alertsTopic = requireTopic(configs, StreamsConfigFactory.ALERTS_TOPIC_CONFIG);
        alertSerde.configure(configs, false);
    }

    /** Returns the dead-letter record and the alert for one failed input record. */
    List<ProducerRecord<byte[], byte[]>> records(final ErrorHandlerContext context, final byte[] key,
                                                final byte[] value, final Exception exception) {
        final Headers headers = new RecordHeaders();
        if (context.headers() != null) {
            for (final Header header : context.headers()) {
                headers.add(header);
            }
        }
        headers.add(HEADER_EXCEPTION, utf8(exception.getClass().getName()));
        headers.add(HEADER_MESSAGE, utf8(String.valueOf(exception.getMessage())));
        headers.add(HEADER_STACKTRACE, utf8(stackTrace(exception)));
        headers.add(HEADER_TOPIC, utf8(context.topic()));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(context.offset())));
        final ProducerRecord<byte[], byte[]> deadLetter =
                new ProducerRecord<>(deadLetterTopic, null, key, value, headers);

        final Source source = sourceOf(key);
        final String sourceKey = source == null ? null : Sources.key(source);
        final String position = context.topic() + "/" + context.partition() + "/" + context.offset();
        final Alert alert = Alert.newBuilder()
                .setAlertId(AlertIds.of(AlertKind.DEAD_LETTER, sourceKey, position))
                .setKind(AlertKind.DEAD_LETTER)
                .setSeverity(AlertSeverity.WARNING)
                .setSource(source)
                .setMessage("Record at offset " + context.offset() + " of " + context.topic() + " partition "
                        + context.partition() + " could not be processed and was written to " + deadLetterTopic
                        + ": " + exception.getMessage())
                .setAction("Inspect the record on " + deadLetterTopic + " and fix its producer. No change event was"
                        + " derived from it; the next valid record of the source is diffed as usual.")
                .setDetails(Map.of(
                        "topic", context.topic(),
                        "partition", Integer.toString(context.partition()),
                        "offset", Long.toString(context.offset()),
                        "exception", exception.getClass().getName()))
                .setRaisedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
        final Serializer<Alert> serializer = alertSerde.serializer();
        final byte[] alertKey = sourceKey == null ? null : utf8(sourceKey);
        final ProducerRecord<byte[], byte[]> alertRecord =
                new ProducerRecord<>(alertsTopic, alertKey, serializer.serialize(alertsTopic, alert));

        return List.of(deadLetter, alertRecord);
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }

    @Override
    public void close() {
        alertSerde.close();
    }

    /** Returns the source named by a record key, or null when the key is not a valid source key. */
    private static Source sourceOf(final byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return Sources.fromKey(new String(key, StandardCharsets.UTF_8));
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }

    private static String requireTopic(final Map<String, ?> configs, final String key) {
        final Object topic = configs.get(key);
        if (topic == null || topic.toString().isBlank()) {
            throw new IllegalArgumentException("Missing " + key + ": the dead-letter handlers need it; build the"
                    + " Streams configuration with StreamsConfigFactory, which sets it");
        }
        return topic.toString();
    }

    private static String stackTrace(final Exception exception) {
        final StringWriter text = new StringWriter();
        exception.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
