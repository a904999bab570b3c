package dev.permwatch.streams;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BootstrapCheckTest {

    @Test
    void unreachableBrokerLogsWarning() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        final Logger logger = (Logger) LoggerFactory.getLogger(BootstrapCheck.class);
        logger.addAppender(appender);

        final boolean reachable;
        try {
            reachable = BootstrapCheck.reachable(
                    Map.of("bootstrap.servers", "127.0.0.1:" + closedPort), Duration.ofSeconds(2));
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
        final List<String> warnings = appender.list.stream()
                .filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();

        assertThat(reachable).isFalse();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("Cannot reach bootstrap.servers=127.0.0.1:" + closedPort);
        assertThat(warnings.get(0)).contains("keeps retrying");
    }
}
