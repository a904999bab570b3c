package dev.permwatch.streams.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GlobalThreadHandlerWarningFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final GlobalThreadHandlerWarningFilter filter = new GlobalThreadHandlerWarningFilter();

    @Test
    void dropsGlobalThreadWarning() {
        final String message = GlobalThreadHandlerWarningFilter.MESSAGE_START
                + ". It's recommended to set `processing.exception.handler.global.enabled` to true";

        assertThat(filter.decide(event(GlobalThreadHandlerWarningFilter.LOGGER_NAME, message)))
                .isEqualTo(FilterReply.DENY);
    }

    @Test
    void passesOtherStreamsConfigWarnings() {
        assertThat(filter.decide(event(GlobalThreadHandlerWarningFilter.LOGGER_NAME, "Unknown config key")))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void passesSameTextFromOtherLogger() {
        assertThat(filter.decide(event("dev.permwatch.streams.StreamsApp",
                GlobalThreadHandlerWarningFilter.MESSAGE_START))).isEqualTo(FilterReply.NEUTRAL);
    }

    private LoggingEvent event(final String loggerName, final String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger(loggerName), Level.WARN, message, null,
                null);
    }
}
