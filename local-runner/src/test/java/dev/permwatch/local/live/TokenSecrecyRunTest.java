package dev.permwatch.local.live;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.PollerApp;
import dev.permwatch.poller.config.PollerConfig;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the embedded broker, the local Schema Registry, the real streams app, the real poller and
 * the event printer against a local API whose error responses repeat the Authorization header.
 * Then searches every log line, stack trace, listener report, printed line and the raw bytes of
 * every record on the broker for the token, in plain text and base64.
 */
class TokenSecrecyRunTest {

    private static final String TOKEN = "runSecrecyToken_7Qx2Lm9Vb4Nc8Rt1Yp6Wd3Kf";
    /**
     * One account per error response, in polling order. The user list gets good lists so that
     * change events flow. The HTTP 429 comes last because it parks the token for every source.
     */
    private static final Map<String, String> FAULT_ACCOUNTS = orderedAccounts();
    /** Shortest piece of an encoded token searched for, because a truncated quote can cut it. */
    private static final int MIN_PIECE = 12;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dataDir;

    @Test
    void tokenAppearsNowhereInRun() throws Exception {
        final List<String> reports = new CopyOnWriteArrayList<>();
        final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> failures = new HashMap<>();
        FAULT_ACCOUNTS.keySet().forEach(name -> failures.put(name, new AtomicInteger()));
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final List<String> rawRecords;
        final Set<String> topics;
        final AtomicInteger tokenRequests = new AtomicInteger();

        // Configure and start: logging capture first, so the start of every part is recorded.
        try (RootLogCapture logs = RootLogCapture.start();
             MockWebServer api = startApi(tokenRequests)) {
            try (LocalStack stack = LocalStack.start(dataDir, "permwatch-secrecy", false,
                    Map.of("permwatch.shrink-guard.max-share", "0.5"));
                 EventPrinter printer = new EventPrinter(stack.bootstrapServers(), stack.serdeConfig(),
                         new PrintStream(printed, true, StandardCharsets.UTF_8))) {
                printer.start();
                final PollListener listener = new PollListener() {
                    @Override
                    public void onSnapshot(final String sourceName, final Snapshot snapshot) {
                        snapshots.add(snapshot);
                        reports.add(sourceName + " " + snapshot);
                        printer.onSnapshot(snapshot);
                    }

                    @Override
                    public void onFailure(final String sourceName, final PollFailure failure) {
                        failures.get(sourceName).incrementAndGet();
                        reports.add(sourceName + " " + failure.describe());
                        reports.add(sourceName + " " + failure);
                    }
                };

                // Poll: every error source fails once, the user list is accepted twice and diffed.
                try (PollerApp poller = new PollerApp(pollerConfig(api, stack), listener)) {
                    poller.start();
                    await().atMost(WAIT).until(() -> snapshots.size() >= 2
                            && failures.values().stream().allMatch(count -> count.get() >= 1));
                }
                await().atMost(WAIT).until(() -> diffReportCount(stack) >= 2);
                await().atMost(WAIT).until(() -> printed.toString(StandardCharsets.UTF_8).contains("RENAMED"));

                // Read back the raw bytes of every topic, internal ones included.
                topics = allTopics(stack);
                rawRecords = readAllRecords(stack, topics);
            }

            // Verify: the token was sent, the echoes happened, and nothing kept it.
            assertThat(tokenRequests.get()).as("requests that carried the token").isGreaterThanOrEqualTo(7);
            assertThat(topics).as("topics on the broker").contains(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC,
                    TopicSetup.DEFAULT_CHANGES_TOPIC, TopicSetup.DEFAULT_POLL_STATUS_TOPIC,
                    TopicSetup.DEFAULT_ALERTS_TOPIC, "__consumer_offsets", "__transaction_state");
            assertThat(topics).as("state store changelogs").anyMatch(topic -> topic.endsWith("-changelog"));
            assertThat(rawRecords).as("records read back").hasSizeGreaterThan(10);
            assertThat(logs.lines().stream().anyMatch(line -> line.startsWith("DEBUG dev.permwatch.poller")))
                    .as("debug lines of the poller captured").isTrue();
            assertThat(String.join("\n", reports)).contains("401").contains("403").contains("9109")
                    .contains("429").contains("503");

            // Each check lists only the offending lines, so a failure shows where the token went.
            final List<String> logLines = logs.lines();
            final List<String> printedLines = printed.toString(StandardCharsets.UTF_8).lines().toList();
            for (final String piece : tokenPieces()) {
                assertThat(containing(logLines, piece)).as("log lines and stack traces with " + piece).isEmpty();
                assertThat(containing(reports, piece)).as("listener reports with " + piece).isEmpty();
                assertThat(containing(printedLines, piece)).as("printed lines with " + piece).isEmpty();
                assertThat(containing(rawRecords, piece)).as("records with " + piece).isEmpty();
            }
        }
    }

    private static List<String> containing(final List<String> texts, final String piece) {
        return texts.stream().filter(text -> text.contains(piece)).toList();
    }

    private static Map<String, String> orderedAccounts() {
        final Map<String, String> accounts = new LinkedHashMap<>();
        accounts.put("unauthorized", "00000000000000000000000000000401");
        accounts.put("forbidden", "00000000000000000000000000000403");
        accounts.put("denied", "00000000000000000000000000009109");
        accounts.put("unavailable", "00000000000000000000000000000503");
        accounts.put("limited", "00000000000000000000000000000429");
        return accounts;
    }

    /** Returns every piece of {@value #MIN_PIECE} characters of each encoded form of the token. */
    private static Set<String> tokenPieces() {
        final Set<String> pieces = new LinkedHashSet<>();
        for (final String form : encodedForms(TOKEN)) {
            for (int start = 0; start + MIN_PIECE <= form.length(); start++) {
                pieces.add(form.substring(start, start + MIN_PIECE));
            }
        }
        return pieces;
    }

    /** Returns the token and its base64 forms at every byte alignment, standard and URL-safe. */
    private static Set<String> encodedForms(final String token) {
        final Set<String> forms = new LinkedHashSet<>(List.of(token));
        final byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < 3; offset++) {
            // In a longer base64 text the token can start at any byte of a 3-byte group, so encode it
            // after 0, 1 or 2 filler bytes and keep only the characters that depend on the token alone.
            final byte[] shifted = new byte[offset + bytes.length];
            System.arraycopy(bytes, 0, shifted, offset, bytes.length);
            final int start = offset == 0 ? 0 : 4;
            final int end = (shifted.length / 3) * 4;
            for (final Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                forms.add(encoder.encodeToString(shifted).substring(start, end));
            }
        }
        return forms;
    }

    private static MockWebServer startApi(final AtomicInteger tokenRequests) throws IOException {
        final String baseline = resource("e2e/01-baseline.json");
        final String changed = resource("e2e/02-changed.json");
        final AtomicInteger userRequests = new AtomicInteger();
        final MockWebServer api = new MockWebServer();
        api.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(final RecordedRequest request) {
                final String authorization = String.valueOf(request.getHeader("Authorization"));
                if (authorization.contains(TOKEN)) {
                    tokenRequests.incrementAndGet();
                }
                final String path = String.valueOf(request.getPath());
                if (path.startsWith("/client/v4/user/")) {
                    return json(200, userRequests.getAndIncrement() == 0 ? baseline : changed);
                }
                return echoError(path, authorization);
            }
        });
        api.start(InetAddress.getByName("127.0.0.1"), 0);
        return api;
    }

    /** Returns the error response of one account, repeating the Authorization header in body and headers. */
    private static MockResponse echoError(final String path, final String authorization) {
        final String echoed = authorization.replace("\"", "");
        final String encoded = Base64.getEncoder().encodeToString(authorization.getBytes(StandardCharsets.UTF_8));
        if (path.contains(FAULT_ACCOUNTS.get("unauthorized"))) {
            return json(401, envelopeError(10000, "Authentication error for " + echoed))
                    .setHeader("WWW-Authenticate", echoed);
        }
        if (path.contains(FAULT_ACCOUNTS.get("forbidden"))) {
            return json(403, envelopeError(9109, "Forbidden for " + echoed + " (" + encoded + ")"));
        }
        if (path.contains(FAULT_ACCOUNTS.get("denied"))) {
            return json(200, envelopeError(9109, "Unauthorized to access requested resource with " + echoed));
        }
        if (path.contains(FAULT_ACCOUNTS.get("limited"))) {
            return json(429, envelopeError(971, "Please wait, " + echoed))
                    .setHeader("retry-after", "1")
                    .setHeader("x-ratelimit-policy", echoed);
        }
        return json(503, envelopeError(1000, "Upstream rejected " + echoed + " " + encoded))
                .setHeader("cf-ray", encoded);
    }

    private static String envelopeError(final int code, final String message) {
        return "{\"success\":false,\"errors\":[{\"code\":" + code + ",\"message\":\"" + message
                + "\"}],\"messages\":[],\"result\":null}";
    }

    private static MockResponse json(final int status, final String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
    }

    private static PollerConfig pollerConfig(final MockWebServer api, final LocalStack stack) {
        final Properties props = new Properties();
        props.put(PollerConfig.BASE_URL, "http://127.0.0.1:" + api.getPort() + "/client/v4");
        final List<String> names = new ArrayList<>(List.of("user"));
        props.put("permwatch.source.user.endpoint", "user");
        // The poller's minimum interval: the second user poll comes 10 s after the first.
        props.put("permwatch.source.user.interval", "10s");
        FAULT_ACCOUNTS.forEach((name, accountId) -> {
            names.add(name);
            props.put("permwatch.source." + name + ".endpoint", "account");
            props.put("permwatch.source." + name + ".account.id", accountId);
            props.put("permwatch.source." + name + ".interval", "1h");
        });
        props.put(PollerConfig.SOURCES, String.join(",", names));
        props.put(PollerConfig.RETRY_MAX_ATTEMPTS, "2");
        props.put(PollerConfig.RETRY_INITIAL_BACKOFF_MS, "10");
        props.put(PollerConfig.RETRY_MAX_BACKOFF_MS, "10");
        // One failed poll makes a source unhealthy, so alerts are written and searched too.
        props.put(PollerConfig.HEALTH_FAILURE_THRESHOLD, "1");
        props.put("bootstrap.servers", stack.bootstrapServers());
        props.putAll(stack.serdeConfig());
        return PollerConfig.fromProperties(props, Map.of(PollerConfig.DEFAULT_TOKEN_ENV, TOKEN));
    }

    private static int diffReportCount(final LocalStack stack) {
        int count = 0;
        try (KafkaConsumer<String, DiffReport> consumer = TopicReader.consumer(stack.bootstrapServers(),
                stack.serdeConfig())) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer,
                    List.of(TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return count;
    }

    private static Set<String> allTopics(final LocalStack stack) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
    }

    /**
     * Reads every record of the topics with {@code read_uncommitted}, so aborted transactions are
     * searched too, and returns each record's key, value, header keys and header values as text.
     */
    private static List<String> readAllRecords(final LocalStack stack, final Set<String> topics) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<String> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic).forEach(info ->
                    partitions.add(new TopicPartition(info.topic(), info.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final StringBuilder text = new StringBuilder(record.topic()).append(' ')
                            .append(latin1(record.key())).append(' ').append(latin1(record.value()));
                    for (final Header header : record.headers()) {
                        text.append(' ').append(header.key()).append('=').append(latin1(header.value()));
                    }
                    records.add(text.toString());
                }
            }
        }
        return records;
    }

    /** Decodes bytes one to one, so an ASCII token inside binary Avro stays findable. */
    private static String latin1(final byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = TokenSecrecyRunTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("Test resource " + name + " not found");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Records every log event that reaches the root logger, with its stack trace and causes, while
     * open. permwatch logs at DEBUG and every other logger at INFO for that time.
     */
    private static final class RootLogCapture implements AutoCloseable {

        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        /** Levels set by the test configuration, restored by close(); a null level means inherited. */
        private final Map<Logger, Level> configuredLevels = new HashMap<>();
        private final AppenderBase<ILoggingEvent> appender;

        private RootLogCapture() {
            appender = new AppenderBase<>() {
                @Override
                protected void append(final ILoggingEvent event) {
                    final StringBuilder line = new StringBuilder().append(event.getLevel()).append(' ')
                            .append(event.getLoggerName()).append(" - ")
                            .append(event.getFormattedMessage());
                    if (event.getThrowableProxy() != null) {
                        line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                    }
                    lines.add(line.toString());
                }
            };
            appender.setName("secrecy-capture");
            appender.setContext(context);
        }

        static RootLogCapture start() {
            final RootLogCapture capture = new RootLogCapture();
            capture.appender.start();
            final Logger root = capture.context.getLogger(Logger.ROOT_LOGGER_NAME);
            root.addAppender(capture.appender);
            // The test configuration logs Kafka only from WARN. For the run every logger inherits INFO
            // from the root, so Kafka's INFO lines, config dumps included, are scanned too.
            capture.configuredLevels.put(root, root.getLevel());
            for (final Logger logger : capture.context.getLoggerList()) {
                if (logger != root && logger.getLevel() != null) {
                    capture.configuredLevels.put(logger, logger.getLevel());
                    logger.setLevel(null);
                }
            }
            root.setLevel(Level.INFO);
            capture.context.getLogger("dev.permwatch").setLevel(Level.DEBUG);
            return capture;
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            context.getLogger("dev.permwatch").setLevel(null);
            configuredLevels.forEach(Logger::setLevel);
            appender.stop();
        }
    }
}
