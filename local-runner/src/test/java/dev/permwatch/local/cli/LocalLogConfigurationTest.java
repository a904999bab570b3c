package dev.permwatch.local.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads {@code permwatch-local-logback.xml} into a separate Logger context, so the test neither
 * changes nor depends on the logging of the test JVM, and checks where each kind of line goes.
 */
class LocalLogConfigurationTest {

    private static final String GLOBAL_THREAD_WARNING = "Processing exception handler is not enabled for the"
            + " GlobalThread. It's recommended to set `processing.exception.handler.global.enabled` to true";

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private LoggerContext context;

    @BeforeEach
    void captureStandardError() {
        originalErr = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        if (context != null) {
            context.stop();
        }
        System.setErr(originalErr);
    }

    @Test
    void permwatchLinesGoToConsoleAndFile() throws Exception {
        configure(dataDir, "INFO");

        logger("dev.permwatch.local.stack.LocalStack").info("Local stack started");
        logger("dev.permwatch.local.stack.LocalStack").error("Stack start failed", new IllegalStateException("broker did not start"));

        assertThat(console()).contains("INFO  LocalStack - Local stack started");
        assertThat(console()).contains("ERROR LocalStack - Stack start failed");
        assertThat(console()).as("stack traces stay in the file").doesNotContain("IllegalStateException");
        assertThat(kafkaLog()).contains("INFO  [main] dev.permwatch.local.stack.LocalStack - Local stack started");
        assertThat(kafkaLog()).contains("java.lang.IllegalStateException: broker did not start");
    }

    @Test
    void kafkaInfoGoesToFileOnly() throws Exception {
        configure(dataDir, "INFO");

        logger("org.apache.kafka.clients.producer.KafkaProducer").info("Instantiated a transactional producer");
        logger("org.apache.kafka.clients.consumer.internals.ConsumerCoordinator").warn("Offset commit failed");
        logger("kafka.server.BrokerServer").warn("Broker warning for the file");
        logger("org.quartz.core.QuartzScheduler").info("Scheduler started");

        assertThat(kafkaLog()).contains("Instantiated a transactional producer", "Offset commit failed",
                "Broker warning for the file", "Scheduler started");
        assertThat(console()).doesNotContain("Instantiated a transactional producer");
        assertThat(console()).doesNotContain("Scheduler started");
        assertThat(console()).as("broker lines stay in the file").doesNotContain("Broker warning for the file");
        assertThat(console()).contains("WARN  ConsumerCoordinator - Offset commit failed");
    }

    @Test
    void globalThreadWarningIsDropped() throws Exception {
        configure(dataDir, "INFO");

        logger("org.apache.kafka.streams.StreamsConfig").warn(GLOBAL_THREAD_WARNING);
        logger("org.apache.kafka.streams.StreamsConfig").warn("Another StreamsConfig warning");

        assertThat(kafkaLog()).doesNotContain("GlobalThread");
        assertThat(console()).doesNotContain("GlobalThread");
        assertThat(kafkaLog()).contains("Another StreamsConfig warning");
    }

    @Test
    void pollLinesLeaveConsoleAtWarnLevel() throws Exception {
        configure(dataDir, "WARN");

        logger("dev.permwatch.poller.SourcePoller").info("source=user groups=6 outcome=accepted");
        logger("dev.permwatch.poller.SourcePoller").warn("source=user poll failed");

        assertThat(kafkaLog()).contains("source=user groups=6 outcome=accepted", "source=user poll failed");
        assertThat(console()).doesNotContain("outcome=accepted");
        assertThat(console()).contains("source=user poll failed");
    }

    @Test
    void noFileWithoutLogFolder() throws Exception {
        configure(null, "INFO");

        logger("dev.permwatch.local.cli.PermwatchCli").info("Starting before option parsing");

        assertThat(console()).contains("Starting before option parsing");
        assertThat(errorsAndWarnings()).isEmpty();
        try (var files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }

    private void configure(final Path logDir, final String consolePollLevel) throws JoranException {
        context = new LoggerContext();
        // A context outside SLF4J's own has no MDC adapter, and appenders need one to copy the MDC.
        context.setMDCAdapter(new LogbackMDCAdapter());
        if (logDir != null) {
            context.putProperty(LogSetup.LOG_DIR_PROPERTY, logDir.toString());
        }
        context.putProperty(LogSetup.CONSOLE_POLL_LEVEL_PROPERTY, consolePollLevel);
        final URL config = getClass().getClassLoader().getResource(LocalLogConfigurator.CONFIG_RESOURCE);
        assertThat(config).as(LocalLogConfigurator.CONFIG_RESOURCE + " on the class path").isNotNull();
        final JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        joran.doConfigure(config);
        assertThat(errorsAndWarnings()).as("Logback configuration problems").isEmpty();
    }

    private Logger logger(final String name) {
        return context.getLogger(name);
    }

    private List<String> errorsAndWarnings() {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(status -> status.getLevel() >= Status.WARN)
                .map(Status::toString)
                .toList();
    }

    private String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    private String kafkaLog() throws IOException {
        return Files.readString(dataDir.resolve(LogSetup.LOG_FILE_NAME), StandardCharsets.UTF_8);
    }
}
