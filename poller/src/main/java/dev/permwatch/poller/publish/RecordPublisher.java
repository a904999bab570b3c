package dev.permwatch.poller.publish;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.schemas.Sources;
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
 * Writes snapshots to the snapshots topic, keyed by source key, and waits for each
 * acknowledgement. The record timestamp is the fetch time, so the streams app can use it as event time.
 *
 * <p>Thread-safe because the Kafka producer is, so all sources share one publisher.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, Snapshot> producer;
    private final String topic;

    /**
     * @param producer a producer with a String key serializer and a Snapshot value serializer;
     *                 this publisher closes it
     * @param topic    the snapshots topic
     */
    public SnapshotPublisher(final Producer<String, Snapshot> producer, final String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * Creates a publisher with a {@link KafkaProducer} built from the configured producer properties.
     *
     * @throws KafkaException if the producer properties are invalid, for example when the value
     *                        serializer class is not on the classpath
     */
    public static SnapshotPublisher create(final PollerConfig config) {
        return new SnapshotPublisher(new KafkaProducer<>(config.producerProperties()), config.snapshotsTopic());
    }

    /**
     * Sends one snapshot and blocks until Kafka acknowledges it. The wait is bounded by the
     * producer's {@code delivery.timeout.ms} (default 120 s) and {@code max.block.ms} (default 60 s).
     *
     * @return the partition and offset written
     * @throws PublishException if serialization or the send failed, or the thread was interrupted
     */
    public RecordMetadata publish(final Snapshot snapshot) throws PublishException {
        final String key = Sources.key(snapshot.getSource());
        final ProducerRecord<String, Snapshot> record = new ProducerRecord<>(topic, null,
                snapshot.getFetchedAt().toEpochMilli(), key, snapshot);
        try {
            final RecordMetadata metadata = producer.send(record).get();
            LOG.debug("Snapshot {} of {} written to {}-{} at offset {}", snapshot.getSnapshotId(), key,
                    metadata.topic(), metadata.partition(), metadata.offset());
            return metadata;
        } catch (final ExecutionException e) {
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PublishException("Writing snapshot " + snapshot.getSnapshotId() + " of " + key + " to topic "
                    + topic + " failed: " + cause, cause);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("Interrupted while waiting for Kafka to acknowledge snapshot "
                    + snapshot.getSnapshotId() + " of " + key + "; it may or may not be written", e);
        } catch (final KafkaException | IllegalStateException e) {
            // send itself throws serialization errors (KafkaException) and, after close, IllegalStateException.
            throw new PublishException("Writing snapshot " + snapshot.getSnapshotId() + " of " + key + " to topic "
                    + topic + " failed: " + e, e);
        }
    }

    /** Closes the producer, waiting up to 30 s for records still in flight. */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
