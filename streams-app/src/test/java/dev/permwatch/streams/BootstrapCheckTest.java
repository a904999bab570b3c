package dev.permwatch.streams;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class BootstrapCheckTest {

    @Test
    void unreachableBrokerLogsWarning() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        final List<String> warnings = new CopyOnWriteArrayList<>();
        final AbstractAppender appender = new AbstractAppender("bootstrap-check-capture", null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(final LogEvent event) {
                if (event.getLevel() == Level.WARN && event.getLoggerName().equals(BootstrapCheck.class.getName())) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        final LoggerConfig root = context.getConfiguration().getRootLogger();
        root.addAppender(appender, Level.ALL, null);
        context.updateLoggers();

        final boolean reachable;
        try {
            reachable = BootstrapCheck.reachable(
                    Map.of("bootstrap.servers", "127.0.0.1:" + closedPort), Duration.ofSeconds(2));
        } finally {
            root.removeAppender(appender.getName());
            context.updateLoggers();
        }

        assertThat(reachable).isFalse();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("Cannot reach bootstrap.servers=127.0.0.1:" + closedPort);
        assertThat(warnings.get(0)).contains("keeps retrying");
    }
}
