package dev.permwatch.poller.publish;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.schemas.Sources;
import org.apache.avro.specific.SpecificRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * Writes the poller's records with one idempotent producer and waits for each acknowledgement:
 * snapshots, poll-status records and alerts, each keyed by source key. The record timestamp is
 * the fetch, poll or alert time, so consumers can use it as event time.
 *
 * <p>Thread-safe because the Kafka producer is, so all sources share one publisher.
 */
public final class RecordPublisher implements AutoCloseable {

    /**
     * Topics the poller writes to.
     *
     * @param snapshots  one snapshot per accepted poll
     * @param pollStatus one status record per poll
     * @param alerts     health alerts
     */
    public record Topics(String snapshots, String pollStatus, String alerts) {
        public Topics {
            Objects.requireNonNull(snapshots, "snapshots");
            Objects.requireNonNull(pollStatus, "pollStatus");
            Objects.requireNonNull(alerts, "alerts");
        }

        /** Returns the topics named in the configuration. */
        public static Topics of(final PollerConfig config) {
            return new Topics(config.snapshotsTopic(), config.pollStatusTopic(), config.alertsTopic());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RecordPublisher.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, SpecificRecord> producer;
    private final Topics topics;

    /**
     * @param producer a producer with a String key serializer and a value serializer that accepts
     *                 every Avro record type, such as {@code dev.permwatch.serde.AvroSerializer};
     *                 this publisher closes it
     */
    public RecordPublisher(final Producer<String, SpecificRecord> producer, final Topics topics) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topics = Objects.requireNonNull(topics, "topics");
    }

    /**
     * Creates a publisher with a {@link KafkaProducer} built from the configured producer properties.
     *
     * @throws KafkaException if the producer properties are invalid, for example when the value
     *                        serializer class is not on the classpath
     */
    public static RecordPublisher create(final PollerConfig config) {
        return new RecordPublisher(new KafkaProducer<>(config.producerProperties()), Topics.of(config));
    }

    public Topics topics() {
        return topics;
    }

    /**
     * Sends one snapshot and blocks until Kafka acknowledges it. The wait is bounded by the
     * producer's {@code delivery.timeout.ms} (default 120 s) and {@code max.block.ms} (default 60 s).
     *
     * @return the partition and offset written
     * @throws PublishException if serialization or the send failed, or the thread was interrupted
     */
    public RecordMetadata publish(final Snapshot snapshot) throws PublishException {
        return send(topics.snapshots(), Sources.key(snapshot.getSource()), snapshot.getFetchedAt().toEpochMilli(),
                snapshot, "snapshot " + snapshot.getSnapshotId());
    }

    /** Sends one poll-status record and blocks until Kafka acknowledges it, as {@link #publish(Snapshot)}. */
    public RecordMetadata publish(final PollStatus status) throws PublishException {
        return send(topics.pollStatus(), Sources.key(status.getSource()), status.getPolledAt().toEpochMilli(),
                status, "poll status " + status.getOutcome());
    }

    /**
     * Sends one alert and blocks until Kafka acknowledges it, as {@link #publish(Snapshot)}.
     * An alert without a source is keyed by an empty string.
     */
    public RecordMetadata publish(final Alert alert) throws PublishException {
        final String key = alert.getSource() == null ? "" : Sources.key(alert.getSource());
        return send(topics.alerts(), key, alert.getRaisedAt().toEpochMilli(), alert,
                "alert " + alert.getKind() + " " + alert.getAlertId());
    }

    private RecordMetadata send(final String topic, final String key, final long timestamp,
                                final SpecificRecord value, final String description) throws PublishException {
        final ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topic, null, timestamp, key, value);
        try {
            final RecordMetadata metadata = producer.send(record).get();
            LOG.debug("{} of {} written to {}-{} at offset {}", description, key, metadata.topic(),
                    metadata.partition(), metadata.offset());
            return metadata;
        } catch (final ExecutionException e) {
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PublishException("Writing " + description + " of " + key + " to topic " + topic
                    + " failed: " + cause, cause);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("Interrupted while waiting for Kafka to acknowledge " + description
                    + " of " + key + "; it may or may not be written", e);
        } catch (final KafkaException | IllegalStateException e) {
            // send itself throws serialization errors (KafkaException) and, after close, IllegalStateException.
            throw new PublishException("Writing " + description + " of " + key + " to topic " + topic
                    + " failed: " + e, e);
        }
    }

    /**
     * Binds the producer's own metrics ({@code kafka.producer.*}) to {@code registry}. Close the
     * returned binder before the producer to remove them.
     */
    public KafkaClientMetrics bindMetrics(final MeterRegistry registry) {
        final KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(registry);
        return metrics;
    }

    /**
     * Returns the partition count of the snapshots topic. The producer fetches the topic's metadata
     * from a broker unless it has it cached, so a first success proves the brokers were reachable.
     *
     * @throws KafkaException if the metadata cannot be fetched within the producer's {@code max.block.ms}
     */
    public int snapshotsPartitionCount() {
        return producer.partitionsFor(topics.snapshots()).size();
    }

    /** Closes the producer, waiting up to 30 s for records still in flight. */
    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /** Closes the producer, waiting up to {@code timeout} for records still in flight; the rest are dropped. */
    public void close(final Duration timeout) {
        producer.close(timeout);
    }
}
