package dev.permwatch.streams.deadletter;

import dev.permwatch.serde.SchemaRegistryException;
import dev.permwatch.streams.metrics.DiffMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Sends an input record that cannot be deserialized to the dead-letter topic, raises a
 * DEAD_LETTER alert and lets processing go on. Kafka Streams counts each such record in the task
 * metric {@code dropped-records-total} (group {@code stream-task-metrics}).
 *
 * <p>The one exception is an unreachable Schema Registry, or one that responds with a server
 * error. The record may then be valid, so the handler fails the stream thread instead, and the
 * record is read again after a restart.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private DeadLetters deadLetters;
    private DiffMetrics metrics;

    @Override
    public void configure(final Map<String, ?> configs) {
        deadLetters = new DeadLetters(configs);
        metrics = DiffMetrics.from(configs);
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final ConsumerRecord<byte[], byte[]> record,
                                final Exception exception) {
        if (isRegistryUnavailable(exception)) {
            LOG.error("Cannot deserialize record: topic={} partition={} offset={}, because the Schema Registry is"
                            + " unavailable: {}. Stopping instead of dead-lettering a record that may be valid.",
                    context.topic(), context.partition(), context.offset(), exception.getMessage());
            return Response.fail();
        }
        LOG.warn("Sent undecodable record to {}: topic={} partition={} offset={}, because {}",
                deadLetters.deadLetterTopic(), context.topic(), context.partition(), context.offset(),
                exception.getMessage());
        metrics.recordDeadLetter(context.topic(), "deserialization");
        return Response.resume(deadLetters.records(context, record.key(), record.value(), exception));
    }

    /** Returns whether the cause chain has a registry error with no response or an HTTP 5xx response. */
    static boolean isRegistryUnavailable(final Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registryError) {
                final int status = registryError.httpStatus();
                return status == SchemaRegistryException.NO_RESPONSE || status >= 500;
            }
        }
        return false;
    }
}
