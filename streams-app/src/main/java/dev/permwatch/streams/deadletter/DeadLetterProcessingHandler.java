package dev.permwatch.streams.deadletter;

import dev.permwatch.streams.metrics.DiffMetrics;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Sends an input record that the processor rejected ({@link RejectedRecordException}) to the
 * dead-letter topic with its original key and value bytes, raises a DEAD_LETTER alert and lets
 * processing go on. Kafka Streams counts each such record in {@code dropped-records-total}.
 *
 * <p>Any other exception is a fault of the app or its environment, not of the record, so the
 * handler fails the stream thread and the record is processed again after a restart.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetters deadLetters;
    private DiffMetrics metrics;

    @Override
    public void configure(final Map<String, ?> configs) {
        deadLetters = new DeadLetters(configs);
        metrics = DiffMetrics.from(configs);
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final Record<?, ?> record,
                                final Exception exception) {
        if (!(exception instanceof RejectedRecordException)) {
            LOG.error("Processing failed: topic={} partition={} offset={} processor={}; stopping the stream thread",
                    context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception);
            return Response.fail();
        }
        LOG.warn("Sent rejected record to {}: topic={} partition={} offset={}, because {}",
                deadLetters.deadLetterTopic(), context.topic(), context.partition(), context.offset(),
                exception.getMessage());
        metrics.recordDeadLetter(context.topic(), "processing");
        return Response.resume(deadLetters.records(context, context.sourceRawKey(), context.sourceRawValue(),
                exception));
    }
}
