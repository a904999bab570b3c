package dev.permwatch.poller.config;

import dev.permwatch.avro.SourceKind;
import dev.permwatch.poller.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PollerConfigTest {

    private static final String TOKEN = "tok3n-Value_0123456789abcdefABCDEF";
    private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
    private static final Map<String, String> ENV = Map.of("CLOUDFLARE_API_TOKEN", TOKEN, "HOSTNAME", "poller-1");

    private static Properties minimal() {
        final Properties props = new Properties();
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "15m");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        return props;
    }

    private static Properties with(final String... keysAndValues) {
        return set(minimal(), keysAndValues);
    }

    private static Properties set(final Properties props, final String... keysAndValues) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    private static PollerConfigException rejected(final Properties props) {
        return rejected(props, ENV);
    }

    private static PollerConfigException rejected(final Properties props, final Map<String, String> env) {
        final Throwable error = catchThrowable(() -> PollerConfig.fromProperties(props, env));
        assertThat(error).isInstanceOf(PollerConfigException.class);
        assertThat(error.getMessage()).doesNotContain(TOKEN);
        return (PollerConfigException) error;
    }

    @Test
    void minimalConfigUsesDefaults() {
        final PollerConfig config = PollerConfig.fromProperties(minimal(), ENV);

        assertThat(config.baseUrl()).hasToString("https://api.cloudflare.com/client/v4");
        assertThat(config.token().reveal()).isEqualTo(TOKEN);
        assertThat(config.snapshotsTopic()).isEqualTo("permwatch.snapshots");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(config.pollerHost()).isEqualTo("poller-1");
        assertThat(config.sources()).hasSize(1);
        assertThat(config.sources().get(0).name()).isEqualTo("user");
        assertThat(config.sources().get(0).source().getKind()).isEqualTo(SourceKind.USER);
        assertThat(config.sources().get(0).schedule()).isEqualTo(new PollSchedule.Interval(Duration.ofMinutes(15)));
    }

    @Test
    void producerPropertiesForceSafeDelivery() {
        final Properties producer = PollerConfig.fromProperties(
                with("schema.registry.url", "mock://poller", "linger.ms", "5"), ENV).producerProperties();

        assertThat(producer).containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(producer).containsEntry("schema.registry.url", "mock://poller");
        assertThat(producer).containsEntry("linger.ms", "5");
        assertThat(producer).containsEntry("acks", "all");
        assertThat(producer).containsEntry("enable.idempotence", "true");
        assertThat(producer).containsEntry("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        assertThat(producer).containsEntry("value.serializer", "dev.permwatch.serde.AvroSerializer");
        assertThat(producer).doesNotContainKeys("permwatch.sources", "permwatch.source.user.interval");
    }

    @Test
    void valueSerializerCanBeReplaced() {
        final Properties producer = PollerConfig.fromProperties(
                with("value.serializer", "io.confluent.kafka.serializers.KafkaAvroSerializer", "acks", "-1"), ENV)
                .producerProperties();

        assertThat(producer).containsEntry("value.serializer", "io.confluent.kafka.serializers.KafkaAvroSerializer");
        assertThat(producer).containsEntry("acks", "all");
    }

    @ParameterizedTest
    @CsvSource({"acks,1", "acks,0", "enable.idempotence,false", "key.serializer,org.apache.kafka.common.serialization.ByteArraySerializer"})
    void unsafeProducerSettingIsRejected(final String key, final String value) {
        final PollerConfigException error = rejected(with(key, value));

        assertThat(error.key()).isEqualTo(key);
        assertThat(error.getMessage()).contains(key).contains("'" + value + "'");
    }

    @Test
    void missingBootstrapServersIsRejected() {
        final Properties props = minimal();
        props.remove("bootstrap.servers");

        assertThat(rejected(props).getMessage()).contains("bootstrap.servers");
    }

    @ParameterizedTest
    @CsvSource({"PT15M,900", "15m,900", "1h,3600", "30s,30", "10s,10", "2d,172800", "PT1H30M,5400"})
    void intervalFormsAreAccepted(final String text, final long seconds) {
        final PollerConfig config = PollerConfig.fromProperties(with("permwatch.source.user.interval", text), ENV);

        assertThat(config.sources().get(0).schedule()).isEqualTo(new PollSchedule.Interval(Duration.ofSeconds(seconds)));
    }

    @Test
    void intervalBelowMinimumIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.source.user.interval", "5s"));

        assertThat(error.key()).isEqualTo("permwatch.source.user.interval");
        assertThat(error.getMessage()).contains("'5s'").contains("at least 10s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifteen minutes", "15 m", "15x", "-PT1M", "PT"})
    void malformedIntervalIsRejected(final String text) {
        final PollerConfigException error = rejected(with("permwatch.source.user.interval", text));

        assertThat(error.key()).isEqualTo("permwatch.source.user.interval");
        assertThat(error.getMessage()).contains(text.trim());
    }

    @Test
    void cronScheduleIsAccepted() {
        final Properties props = minimal();
        props.remove("permwatch.source.user.interval");
        props.setProperty("permwatch.source.user.cron", "0 0/15 * * * ?");

        final PollerConfig config = PollerConfig.fromProperties(props, ENV);

        assertThat(config.sources().get(0).schedule()).isEqualTo(new PollSchedule.Cron("0 0/15 * * * ?"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"every quarter hour", "0 61 * * * ?", "*/15 * * * *"})
    void invalidCronIsRejected(final String cron) {
        final Properties props = minimal();
        props.remove("permwatch.source.user.interval");
        props.setProperty("permwatch.source.user.cron", cron);

        final PollerConfigException error = rejected(props);

        assertThat(error.key()).isEqualTo("permwatch.source.user.cron");
        assertThat(error.getMessage()).contains(cron).contains("0 0/15 * * * ?");
    }

    @Test
    void cronFiringTooOftenIsRejected() {
        final Properties props = minimal();
        props.remove("permwatch.source.user.interval");
        props.setProperty("permwatch.source.user.cron", "0/2 * * * * ?");

        assertThat(rejected(props).getMessage()).contains("2s apart");
    }

    @Test
    void intervalAndCronTogetherAreRejected() {
        final PollerConfigException error = rejected(with("permwatch.source.user.cron", "0 0/15 * * * ?"));

        assertThat(error.getMessage()).contains("permwatch.source.user.interval").contains("permwatch.source.user.cron");
    }

    @Test
    void sourceWithoutScheduleIsRejected() {
        final Properties props = minimal();
        props.remove("permwatch.source.user.interval");

        assertThat(rejected(props).getMessage()).contains("has no schedule");
    }

    @Test
    void accountSourceIsParsed() {
        final PollerConfig config = PollerConfig.fromProperties(with(
                "permwatch.sources", "user, main",
                "permwatch.source.main.endpoint", "account",
                "permwatch.source.main.account.id", ACCOUNT,
                "permwatch.source.main.cron", "0 0 * * * ?"), ENV);

        assertThat(config.sources()).extracting(SourceConfig::name).containsExactly("user", "main");
        assertThat(config.sources().get(1).source().getKind()).isEqualTo(SourceKind.ACCOUNT);
        assertThat(config.sources().get(1).source().getAccountId()).isEqualTo(ACCOUNT);
        assertThat(config.sources().get(1).sourceKey()).isEqualTo("account:" + ACCOUNT);
    }

    @Test
    void accountSourceWithoutIdIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.source.user.endpoint", "account"));

        assertThat(error.key()).isEqualTo("permwatch.source.user.account.id");
    }

    @Test
    void invalidAccountIdIsRejected() {
        final PollerConfigException error = rejected(with(
                "permwatch.source.user.endpoint", "account",
                "permwatch.source.user.account.id", "ABC123"));

        assertThat(error.key()).isEqualTo("permwatch.source.user.account.id");
        assertThat(error.getMessage()).contains("ABC123").contains("32 lowercase hex");
    }

    @Test
    void userSourceWithAccountIdIsRejected() {
        assertThat(rejected(with("permwatch.source.user.account.id", ACCOUNT)).key())
                .isEqualTo("permwatch.source.user.account.id");
    }

    @Test
    void unknownEndpointIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.source.user.endpoint", "zone"));

        assertThat(error.getMessage()).contains("'zone'").contains("user or account");
    }

    @Test
    void missingEndpointIsRejected() {
        final Properties props = minimal();
        props.remove("permwatch.source.user.endpoint");

        assertThat(rejected(props).key()).isEqualTo("permwatch.source.user.endpoint");
    }

    @Test
    void twoNamesForOneSourceAreRejected() {
        final Properties props = new Properties();
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        final PollerConfigException error = rejected(set(props,
                "permwatch.sources", "a,b",
                "permwatch.source.a.endpoint", "account",
                "permwatch.source.a.account.id", ACCOUNT,
                "permwatch.source.a.interval", "1h",
                "permwatch.source.b.endpoint", "account",
                "permwatch.source.b.account.id", ACCOUNT,
                "permwatch.source.b.interval", "2h"));

        assertThat(error.getMessage()).contains("'a'").contains("'b'").contains("account:" + ACCOUNT);
    }

    @Test
    void sourceNameListedTwiceIsRejected() {
        assertThat(rejected(with("permwatch.sources", "user,user")).getMessage()).contains("listed twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "user,", "us.er", "user name"})
    void invalidSourceListIsRejected(final String sources) {
        assertThat(rejected(with("permwatch.sources", sources)).key()).isEqualTo("permwatch.sources");
    }

    @ParameterizedTest
    @ValueSource(strings = {"permwatch.topic.snapshot", "permwatch.http.timeout.ms"})
    void unknownPermwatchKeyIsRejected(final String key) {
        final PollerConfigException error = rejected(with(key, "x"));

        assertThat(error.key()).isEqualTo(key);
        assertThat(error.getMessage()).contains("Unknown key " + key);
    }

    @Test
    void literalTokenKeyPointsToEnvironmentAndFile() {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.token", "cf-secret-value"));

        assertThat(error.key()).isEqualTo("permwatch.cloudflare.token");
        assertThat(error.getMessage()).contains("CLOUDFLARE_API_TOKEN").contains("permwatch.cloudflare.token.file");
        assertThat(error.getMessage()).doesNotContain("cf-secret-value");
    }

    @Test
    void misspelledSourceKeyIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.source.user.intervall", "1h"));

        assertThat(error.getMessage()).contains("permwatch.source.user.intervall").contains("permwatch.source.user.interval");
    }

    @Test
    void keyForUnlistedSourceIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.source.other.endpoint", "user"));

        assertThat(error.getMessage()).contains("'other'").contains("permwatch.sources");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/client/v4", "http://localhost:1234", "http://[::1]:99/x", "https://example.test/v4/"})
    void baseUrlIsAccepted(final String url) {
        final PollerConfig config = PollerConfig.fromProperties(with("permwatch.cloudflare.base.url", url), ENV);

        assertThat(config.baseUrl().toString()).doesNotEndWith("/");
        assertThat(url).startsWith(config.baseUrl().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.cloudflare.com/client/v4", "http://10.0.0.1/v4", "http://127.0.0.999/v4",
            "ftp://127.0.0.1/v4", "api.cloudflare.com/client/v4", "https://x.test/v4?name=Zone", "https://x.test/v4#frag",
            "https://exa mple.test/"})
    void badBaseUrlIsRejected(final String url) {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.base.url", url));

        assertThat(error.key()).isEqualTo("permwatch.cloudflare.base.url");
        assertThat(error.getMessage()).contains(url);
    }

    @Test
    void baseUrlUserInfoIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.base.url", "https://me:s3cret@x.test/v4"));

        assertThat(error.getMessage()).contains("user info").doesNotContain("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:CFSECRET/PW@127.0.0.1:18765/client/v4",
            "https://user:CFSECRET?PW@127.0.0.1:18765/client/v4", "https://user:CFSECRET#PW@127.0.0.1:18765/client/v4",
            "https://user:CFSECRET@PW@127.0.0.1:18765/client/v4", "ftp://user:CFSECRET/PW@127.0.0.1:18765/client/v4",
            "https://user:CFSECRET/PW@127.0.0.1:18765/client/v4 with space"})
    void baseUrlPasswordIsNeverShown(final String url) {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.base.url", url));

        assertThat(error.key()).isEqualTo("permwatch.cloudflare.base.url");
        assertThat(error.getMessage()).doesNotContain("CFSECRET");
        assertThat(error.getMessage()).doesNotContain("PW");
    }

    @Test
    void baseUrlSlashInPasswordIsUserInfo() {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.base.url",
                "https://user:CFSECRET/PW@127.0.0.1:18765/client/v4"));

        assertThat(error.getMessage()).contains("user info");
    }

    @Test
    void shortIpv4BaseUrlIsExplained() {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.base.url", "http://127.1/client/v4"));

        assertThat(error.getMessage()).contains("'127.1' is a shortened IPv4 address");
        assertThat(error.getMessage()).contains("127.0.0.1");
        assertThat(error.getMessage()).doesNotContain("has no host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://my_host/client/v4", "http://127.0.0.1:abc/client/v4", "http://1.2.3.4.5/client/v4"})
    void unparsableHostIsNamed(final String url) {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.base.url", url));

        assertThat(error.getMessage()).contains("is not a valid host or host:port");
    }

    @Test
    void missingTokenVariableIsNamed() {
        final PollerConfigException error = rejected(minimal(), Map.of());

        assertThat(error.key()).isEqualTo("CLOUDFLARE_API_TOKEN");
        assertThat(error.getMessage()).contains("CLOUDFLARE_API_TOKEN").contains("permwatch.cloudflare.token.file");
    }

    @Test
    void tokenFromCustomVariable() {
        final PollerConfig config = PollerConfig.fromProperties(
                with("permwatch.cloudflare.token.env", "CF_TOKEN"), Map.of("CF_TOKEN", "  abc123 \n"));

        assertThat(config.token().reveal()).isEqualTo("abc123");
    }

    @Test
    void emptyTokenVariableIsRejected() {
        final PollerConfigException error = rejected(minimal(), Map.of("CLOUDFLARE_API_TOKEN", "  "));

        assertThat(error.getMessage()).contains("CLOUDFLARE_API_TOKEN").contains("empty");
    }

    @Test
    void tokenWithSpaceIsRejected() {
        final PollerConfigException error = rejected(minimal(), Map.of("CLOUDFLARE_API_TOKEN", "abc def"));

        assertThat(error.getMessage()).contains("position 3").doesNotContain("abc").doesNotContain("def");
    }

    @Test
    void tokenFromFileIsTrimmed(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("token");
        Files.writeString(file, "\n  " + TOKEN + "\n\n");

        final PollerConfig config = PollerConfig.fromProperties(
                with("permwatch.cloudflare.token.file", file.toString()), Map.of());

        assertThat(config.token().reveal()).isEqualTo(TOKEN);
    }

    @Test
    void missingTokenFileIsNamed(@TempDir final Path dir) {
        final Path file = dir.resolve("absent-token");

        final PollerConfigException error = rejected(with("permwatch.cloudflare.token.file", file.toString()));

        assertThat(error.key()).isEqualTo("permwatch.cloudflare.token.file");
        assertThat(error.getMessage()).contains(file.toString()).contains("does not exist");
    }

    @Test
    void tokenFileDirectoryIsRejectedFirst(@TempDir final Path dir) throws IOException {
        // Readable by others, so a permission check that ran first would warn.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        final PollerConfigException error;
        final List<String> tokenLoaderLines;
        try (LogCapture log = LogCapture.start()) {
            error = rejected(with("permwatch.cloudflare.token.file", dir.toString()));
            tokenLoaderLines = log.lines().stream().filter(line -> line.contains("TokenLoader")).toList();
        }

        assertThat(error.key()).isEqualTo("permwatch.cloudflare.token.file");
        assertThat(error.getMessage()).contains(dir + " set in permwatch.cloudflare.token.file is a directory");
        assertThat(error.getMessage()).doesNotContain("Is a directory");
        assertThat(tokenLoaderLines).isEmpty();
    }

    @Test
    void emptyTokenFileIsRejected(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("token");
        Files.writeString(file, " \n");

        final PollerConfigException error = rejected(with("permwatch.cloudflare.token.file", file.toString()));

        assertThat(error.getMessage()).contains(file.toString()).contains("empty");
    }

    @Test
    void tokenFileAndVariableConflict(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("token");
        Files.writeString(file, TOKEN);

        final PollerConfigException error = rejected(with(
                "permwatch.cloudflare.token.file", file.toString(),
                "permwatch.cloudflare.token.env", "CF_TOKEN"));

        assertThat(error.getMessage()).contains("keep only one");
    }

    @Test
    void tokenIsMaskedInToString() {
        final PollerConfig config = PollerConfig.fromProperties(
                with("basic.auth.user.info", "registry-user:registry-secret"), ENV);

        assertThat(config.token()).hasToString("****");
        assertThat(config.toString()).doesNotContain(TOKEN).doesNotContain("registry-secret");
    }

    @ParameterizedTest
    @CsvSource({"permwatch.http.connect.timeout.ms,0", "permwatch.http.request.timeout.ms,-5",
            "permwatch.http.request.timeout.ms,30s", "permwatch.http.max.body.bytes,1073741824"})
    void invalidNumberIsRejected(final String key, final String value) {
        final PollerConfigException error = rejected(with(key, value));

        assertThat(error.key()).isEqualTo(key);
        assertThat(error.getMessage()).contains("'" + value + "'");
    }

    @Test
    void numbersAndTopicAreRead() {
        final PollerConfig config = PollerConfig.fromProperties(with(
                "permwatch.http.connect.timeout.ms", "250",
                "permwatch.http.request.timeout.ms", "750",
                "permwatch.http.max.body.bytes", "1024",
                "permwatch.topic.snapshots", "team.snapshots"), ENV);

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.maxBodyBytes()).isEqualTo(1024);
        assertThat(config.snapshotsTopic()).isEqualTo("team.snapshots");
    }

    @Test
    void invalidTopicIsRejected() {
        assertThat(rejected(with("permwatch.topic.snapshots", "snap shots")).key()).isEqualTo("permwatch.topic.snapshots");
    }

    @Test
    void faultToleranceDefaults() {
        final PollerConfig config = PollerConfig.fromProperties(minimal(), ENV);

        assertThat(config.pollStatusTopic()).isEqualTo("permwatch.poll-status");
        assertThat(config.alertsTopic()).isEqualTo("permwatch.alerts");
        assertThat(config.retry()).isEqualTo(new RetrySettings(4, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        assertThat(config.rateLimit()).isEqualTo(new RateLimitSettings(1200, Duration.ofMinutes(5), 0.1));
        assertThat(config.healthFailureThreshold()).isEqualTo(3);
    }

    @Test
    void faultToleranceKeysAreRead() {
        final PollerConfig config = PollerConfig.fromProperties(with(
                "permwatch.topic.poll-status", "team.poll-status",
                "permwatch.topic.alerts", "team.alerts",
                "permwatch.retry.max.attempts", "2",
                "permwatch.retry.initial.backoff.ms", "250",
                "permwatch.retry.max.backoff.ms", "5000",
                "permwatch.rate.limit.requests.per.window", "600",
                "permwatch.rate.limit.window.seconds", "60",
                "permwatch.rate.limit.share", "0.25",
                "permwatch.health.failure.threshold", "5"), ENV);

        assertThat(config.pollStatusTopic()).isEqualTo("team.poll-status");
        assertThat(config.alertsTopic()).isEqualTo("team.alerts");
        assertThat(config.retry()).isEqualTo(new RetrySettings(2, Duration.ofMillis(250), Duration.ofSeconds(5)));
        assertThat(config.rateLimit()).isEqualTo(new RateLimitSettings(600, Duration.ofSeconds(60), 0.25));
        assertThat(config.healthFailureThreshold()).isEqualTo(5);
    }

    @Test
    void initialBackoffAboveDefaultMaxRaisesMax() {
        final PollerConfig config = PollerConfig.fromProperties(with("permwatch.retry.initial.backoff.ms", "60000"), ENV);

        assertThat(config.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @CsvSource({"permwatch.retry.max.attempts,0", "permwatch.retry.max.attempts,11", "permwatch.retry.max.attempts,two",
            "permwatch.retry.initial.backoff.ms,0", "permwatch.retry.max.backoff.ms,-1",
            "permwatch.rate.limit.requests.per.window,0", "permwatch.rate.limit.window.seconds,86401",
            "permwatch.rate.limit.share,0", "permwatch.rate.limit.share,1.5", "permwatch.rate.limit.share,10%",
            "permwatch.rate.limit.share,NaN", "permwatch.health.failure.threshold,0",
            "permwatch.topic.alerts,bad topic", "permwatch.topic.poll-status,a/b"})
    void invalidFaultToleranceValueIsRejected(final String key, final String value) {
        final PollerConfigException error = rejected(with(key, value));

        assertThat(error.key()).isEqualTo(key);
        assertThat(error.getMessage()).contains("'" + value + "'").contains(key);
    }

    @Test
    void maxBackoffBelowInitialIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.retry.initial.backoff.ms", "5000",
                "permwatch.retry.max.backoff.ms", "1000"));

        assertThat(error.key()).isEqualTo("permwatch.retry.max.backoff.ms");
        assertThat(error.getMessage()).contains("at least permwatch.retry.initial.backoff.ms (5000)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"permwatch.http.tls.verify", "permwatch.http.insecure", "permwatch.cloudflare.tls.insecure",
            "permwatch.http.trust.all", "permwatch.ssl.verify"})
    void noKeyDisablesCertificateChecks(final String key) {
        final PollerConfigException error = rejected(with(key, "false"));

        assertThat(error.key()).isEqualTo(key);
        assertThat(error.getMessage()).contains("Unknown key " + key);
    }

    @Test
    void jdkHostnameSwitchIsRejectedForHttps() {
        final PollerConfigException error = catchThrowableOfType(PollerConfigException.class,
                () -> PollerConfig.rejectDisabledHostnameChecks(URI.create("https://api.cloudflare.com/client/v4"), "true"));

        assertThat(error).isNotNull();
        assertThat(error.key()).isEqualTo("jdk.internal.httpclient.disableHostnameVerification");
        assertThat(error.getMessage()).contains("api.cloudflare.com").contains("remove the system property");
    }

    @Test
    void hostnameSwitchOffIsAccepted() {
        final URI https = URI.create("https://api.cloudflare.com/client/v4");

        assertThatCode(() -> PollerConfig.rejectDisabledHostnameChecks(https, null)).doesNotThrowAnyException();
        assertThatCode(() -> PollerConfig.rejectDisabledHostnameChecks(https, "false")).doesNotThrowAnyException();
        assertThatCode(() -> PollerConfig.rejectDisabledHostnameChecks(URI.create("http://127.0.0.1:8080/client/v4"),
                "true")).doesNotThrowAnyException();
    }

    @Test
    void filteredBaseUrlIsRejected() {
        final PollerConfigException error = rejected(with("permwatch.cloudflare.base.url",
                "https://api.cloudflare.com/client/v4?scope=com.cloudflare.api.account"));

        assertThat(error.getMessage()).contains("partial").contains("query");
    }
}
