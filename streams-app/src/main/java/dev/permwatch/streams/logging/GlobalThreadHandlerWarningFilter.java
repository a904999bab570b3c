package dev.permwatch.streams.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Logback filter that drops the warning Kafka Streams 4.4 logs at every start when
 * {@code processing.exception.handler.global.enabled} is false. The warning concerns the global
 * stream thread, which only exists for global stores and tables, and permwatch's topology has none.
 * Every other event passes to the next filter.
 */
public final class GlobalThreadHandlerWarningFilter extends Filter<ILoggingEvent> {

    static final String LOGGER_NAME = "org.apache.kafka.streams.StreamsConfig";
    static final String MESSAGE_START = "Processing exception handler is not enabled for the GlobalThread";

    @Override
    public FilterReply decide(final ILoggingEvent event) {
        if (LOGGER_NAME.equals(event.getLoggerName())
                && event.getFormattedMessage() != null
                && event.getFormattedMessage().startsWith(MESSAGE_START)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
