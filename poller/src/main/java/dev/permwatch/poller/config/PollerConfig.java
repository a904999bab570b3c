package dev.permwatch.poller.config;

import dev.permwatch.ops.OpsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Poller configuration, read from one Java properties file.
 *
 * <table>
 * <caption>Configuration keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code permwatch.cloudflare.base.url}</td><td>{@code https://api.cloudflare.com/client/v4}</td>
 *     <td>API root. Must be https, except for a loopback host (localhost, 127.0.0.0/8, [::1]).
 *     TLS certificates are always checked.</td></tr>
 * <tr><td>{@code permwatch.cloudflare.token.env}</td><td>{@code CLOUDFLARE_API_TOKEN}</td>
 *     <td>Environment variable that contains the API token.</td></tr>
 * <tr><td>{@code permwatch.cloudflare.token.file}</td><td>none</td>
 *     <td>File that contains the API token (surrounding whitespace is trimmed). When set, it is
 *     used instead of the environment variable, and {@code token.env} must not be set.</td></tr>
 * <tr><td>{@code permwatch.sources}</td><td>required</td>
 *     <td>Comma-separated source names (letters, digits, {@code -}, {@code _}).</td></tr>
 * <tr><td>{@code permwatch.source.<name>.endpoint}</td><td>required</td>
 *     <td>{@code user} polls {@code /user/tokens/permission_groups}; {@code account} polls
 *     {@code /accounts/<id>/tokens/permission_groups}.</td></tr>
 * <tr><td>{@code permwatch.source.<name>.account.id}</td><td>required for {@code account}</td>
 *     <td>Cloudflare account id, 32 lowercase hex characters.</td></tr>
 * <tr><td>{@code permwatch.source.<name>.interval}</td><td>one of interval or cron</td>
 *     <td>Time between polls: ISO-8601 ({@code PT15M}) or a number with unit s, m, h, d
 *     ({@code 15m}); at least 10s. The first poll runs at start.</td></tr>
 * <tr><td>{@code permwatch.source.<name>.cron}</td><td>one of interval or cron</td>
 *     <td>Quartz cron expression, seconds field first, evaluated in UTC
 *     ({@code 0 0/15 * * * ?}); fires at least 10s apart. The first poll runs at start.</td></tr>
 * <tr><td>{@code permwatch.topic.snapshots}</td><td>{@code permwatch.snapshots}</td>
 *     <td>Topic the snapshots are written to.</td></tr>
 * <tr><td>{@code permwatch.topic.poll-status}</td><td>{@code permwatch.poll-status}</td>
 *     <td>Topic that gets one {@code PollStatus} record per poll, accepted or failed.</td></tr>
 * <tr><td>{@code permwatch.topic.alerts}</td><td>{@code permwatch.alerts}</td>
 *     <td>Topic for {@code SOURCE_UNHEALTHY} and {@code SOURCE_RECOVERED} alerts.</td></tr>
 * <tr><td>{@code permwatch.retry.max.attempts}</td><td>4</td>
 *     <td>HTTP requests per poll, the first included, from 1 to 10. Only HTTP 5xx, HTTP 429,
 *     timeouts and broken connections are retried.</td></tr>
 * <tr><td>{@code permwatch.retry.initial.backoff.ms}</td><td>1000</td>
 *     <td>Upper bound of the random wait before the first retry, in milliseconds; it doubles
 *     with each further retry.</td></tr>
 * <tr><td>{@code permwatch.retry.max.backoff.ms}</td><td>30000</td>
 *     <td>Upper bound of any wait between attempts, in milliseconds; at least the initial
 *     backoff. An HTTP 429 whose {@code retry-after} is longer ends the poll.</td></tr>
 * <tr><td>{@code permwatch.rate.limit.requests.per.window}</td><td>1200</td>
 *     <td>Requests Cloudflare allows the token's user per window, shared with all its other
 *     clients.</td></tr>
 * <tr><td>{@code permwatch.rate.limit.window.seconds}</td><td>300</td>
 *     <td>Length of the sliding rate-limit window, in seconds.</td></tr>
 * <tr><td>{@code permwatch.rate.limit.share}</td><td>0.1</td>
 *     <td>Fraction of the user's requests per window that this poller may send, above 0 and at
 *     most 1. A request over it is not sent and the poll fails with reason
 *     {@code RATE_LIMITED}.</td></tr>
 * <tr><td>{@code permwatch.health.failure.threshold}</td><td>3</td>
 *     <td>Failed polls in a row after which a source is unhealthy and one
 *     {@code SOURCE_UNHEALTHY} alert is written, from 1 to 1000.</td></tr>
 * <tr><td>{@code permwatch.http.connect.timeout.ms}</td><td>10000</td>
 *     <td>TCP and TLS connect timeout, in milliseconds.</td></tr>
 * <tr><td>{@code permwatch.http.request.timeout.ms}</td><td>30000</td>
 *     <td>Time from sending the request to reading the whole body, in milliseconds.</td></tr>
 * <tr><td>{@code permwatch.http.max.body.bytes}</td><td>8388608 (8 MiB)</td>
 *     <td>Maximum response body size, in bytes. Reading stops past it. At most 256 MiB.</td></tr>
 * <tr><td>{@code permwatch.ops.port}</td><td>9400</td>
 *     <td>TCP port of the metrics and health endpoint ({@code /metrics}, {@code /health/live},
 *     {@code /health/ready}); 0 picks a free port, -1 turns the endpoint off.</td></tr>
 * <tr><td>{@code permwatch.ops.bind.address}</td><td>{@code 0.0.0.0}</td>
 *     <td>Address the endpoint listens on; all interfaces by default, so a scraper can reach a
 *     container.</td></tr>
 * <tr><td>{@code permwatch.ops.enabled}</td><td>true</td>
 *     <td>false turns the endpoint off.</td></tr>
 * <tr><td>any key not starting with {@code permwatch.}</td><td></td>
 *     <td>Passed unchanged to the Kafka producer and its value serializer, for example
 *     {@code bootstrap.servers} (required), {@code schema.registry.url},
 *     {@code basic.auth.user.info}. The poller sets {@code acks=all},
 *     {@code enable.idempotence=true}, the String key serializer, and
 *     {@code dev.permwatch.serde.AvroSerializer} as value serializer unless
 *     {@code value.serializer} is set.</td></tr>
 * </table>
 *
 * <p>Any other key starting with {@code permwatch.} is rejected, so a typo cannot pass silently.
 * No key turns off TLS certificate or host-name checks, and the JDK's own switch for host-name
 * checks, the system property {@code jdk.internal.httpclient.disableHostnameVerification}, is
 * rejected for an https base URL.
 */
public final class PollerConfig {

    public static final String BASE_URL = "permwatch.cloudflare.base.url";
    public static final String TOKEN_ENV = "permwatch.cloudflare.token.env";
    public static final String TOKEN_FILE = "permwatch.cloudflare.token.file";
    public static final String SOURCES = "permwatch.sources";
    public static final String TOPIC_SNAPSHOTS = "permwatch.topic.snapshots";
    public static final String HTTP_CONNECT_TIMEOUT_MS = "permwatch.http.connect.timeout.ms";
    public static final String HTTP_REQUEST_TIMEOUT_MS = "permwatch.http.request.timeout.ms";
    public static final String HTTP_MAX_BODY_BYTES = "permwatch.http.max.body.bytes";
    public static final String TOPIC_POLL_STATUS = "permwatch.topic.poll-status";
    public static final String TOPIC_ALERTS = "permwatch.topic.alerts";
    public static final String RETRY_MAX_ATTEMPTS = "permwatch.retry.max.attempts";
    public static final String RETRY_INITIAL_BACKOFF_MS = "permwatch.retry.initial.backoff.ms";
    public static final String RETRY_MAX_BACKOFF_MS = "permwatch.retry.max.backoff.ms";
    public static final String RATE_LIMIT_REQUESTS_PER_WINDOW = "permwatch.rate.limit.requests.per.window";
    public static final String RATE_LIMIT_WINDOW_SECONDS = "permwatch.rate.limit.window.seconds";
    public static final String RATE_LIMIT_SHARE = "permwatch.rate.limit.share";
    public static final String HEALTH_FAILURE_THRESHOLD = "permwatch.health.failure.threshold";

    /** The JDK HTTP client skips host-name checks when this system property is set. */
    static final String JDK_DISABLE_HOSTNAME_VERIFICATION = "jdk.internal.httpclient.disableHostnameVerification";

    public static final String DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
    public static final String DEFAULT_TOKEN_ENV = "CLOUDFLARE_API_TOKEN";
    public static final String DEFAULT_TOPIC_SNAPSHOTS = "permwatch.snapshots";
    public static final String DEFAULT_TOPIC_POLL_STATUS = "permwatch.poll-status";
    public static final String DEFAULT_TOPIC_ALERTS = "permwatch.alerts";
    public static final int DEFAULT_RETRY_MAX_ATTEMPTS = 4;
    public static final long DEFAULT_RETRY_INITIAL_BACKOFF_MS = 1_000;
    public static final long DEFAULT_RETRY_MAX_BACKOFF_MS = 30_000;
    public static final int DEFAULT_RATE_LIMIT_REQUESTS_PER_WINDOW = 1200;
    public static final long DEFAULT_RATE_LIMIT_WINDOW_SECONDS = 300;
    public static final double DEFAULT_RATE_LIMIT_SHARE = 0.1;
    public static final int DEFAULT_HEALTH_FAILURE_THRESHOLD = 3;

    /** More attempts would hold a source's scheduler thread for many minutes. */
    private static final int MAX_RETRY_ATTEMPTS = 10;
    private static final long MAX_BACKOFF_MS = 3_600_000;
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;

    /** The whole body is held in memory for parsing, so the cap itself is capped. */
    private static final long MAX_MAX_BODY_BYTES = 256L * 1024 * 1024;

    private static final String PERMWATCH_PREFIX = "permwatch.";
    /** A key operators write by mistake for the token; it is rejected with a pointer to the right keys. */
    private static final String LITERAL_TOKEN_KEY = "permwatch.cloudflare.token";

    /** Keys that do not depend on a source, from the key registry. */
    private static final Set<String> GLOBAL_KEYS = PollerKeys.globalKeyNames();

    private static final Logger LOG = LoggerFactory.getLogger(PollerConfig.class);

    private final URI baseUrl;
    private final Token token;
    private final List<SourceConfig> sources;
    private final String snapshotsTopic;
    private final String pollStatusTopic;
    private final String alertsTopic;
    private final RetrySettings retry;
    private final RateLimitSettings rateLimit;
    private final int healthFailureThreshold;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final long maxBodyBytes;
    private final Properties producerProperties;
    private final String pollerHost;
    private final OpsSettings ops;

    private PollerConfig(final Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.token = builder.token;
        this.sources = builder.sources;
        this.snapshotsTopic = builder.snapshotsTopic;
        this.pollStatusTopic = builder.pollStatusTopic;
        this.alertsTopic = builder.alertsTopic;
        this.retry = builder.retry;
        this.rateLimit = builder.rateLimit;
        this.healthFailureThreshold = builder.healthFailureThreshold;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.maxBodyBytes = builder.maxBodyBytes;
        this.producerProperties = builder.producerProperties;
        this.pollerHost = builder.pollerHost;
        this.ops = builder.ops;
    }

    /**
     * Reads and checks the configuration.
     *
     * @param props the properties file content; values are trimmed
     * @param env   environment variables, for the token and the host name
     * @throws PollerConfigException on the first invalid, missing or unknown key
     */
    public static PollerConfig fromProperties(final Properties props, final Map<String, String> env) {
        Objects.requireNonNull(props, "props");
        Objects.requireNonNull(env, "env");

        final Map<String, String> permwatchEntries = new HashMap<>();
        final Map<String, String> clientEntries = new HashMap<>();
        for (final String key : props.stringPropertyNames()) {
            final String value = props.getProperty(key).trim();
            if (key.startsWith(PERMWATCH_PREFIX)) {
                permwatchEntries.put(key, value);
            } else {
                clientEntries.put(key, value);
            }
        }

        final List<String> sourceNames = SourceParser.parseNames(permwatchEntries.get(SOURCES));
        rejectUnknownKeys(permwatchEntries.keySet(), sourceNames);

        final Builder builder = new Builder();
        builder.baseUrl = BaseUrls.parse(BASE_URL, permwatchEntries.getOrDefault(BASE_URL, DEFAULT_BASE_URL));
        builder.sources = SourceParser.parseSources(sourceNames, permwatchEntries);
        rejectDisabledHostnameChecks(builder.baseUrl, System.getProperty(JDK_DISABLE_HOSTNAME_VERIFICATION));
        builder.snapshotsTopic = parseTopic(permwatchEntries, TOPIC_SNAPSHOTS, DEFAULT_TOPIC_SNAPSHOTS);
        builder.pollStatusTopic = parseTopic(permwatchEntries, TOPIC_POLL_STATUS, DEFAULT_TOPIC_POLL_STATUS);
        builder.alertsTopic = parseTopic(permwatchEntries, TOPIC_ALERTS, DEFAULT_TOPIC_ALERTS);
        builder.retry = parseRetry(permwatchEntries);
        builder.rateLimit = parseRateLimit(permwatchEntries);
        builder.healthFailureThreshold = (int) parsePositiveLong(permwatchEntries, HEALTH_FAILURE_THRESHOLD,
                DEFAULT_HEALTH_FAILURE_THRESHOLD, 1000);
        builder.connectTimeout = Duration.ofMillis(parsePositiveLong(permwatchEntries, HTTP_CONNECT_TIMEOUT_MS,
                DEFAULT_CONNECT_TIMEOUT_MS, Long.MAX_VALUE));
        builder.requestTimeout = Duration.ofMillis(parsePositiveLong(permwatchEntries, HTTP_REQUEST_TIMEOUT_MS,
                DEFAULT_REQUEST_TIMEOUT_MS, Long.MAX_VALUE));
        builder.maxBodyBytes = parsePositiveLong(permwatchEntries, HTTP_MAX_BODY_BYTES,
                DEFAULT_MAX_BODY_BYTES, MAX_MAX_BODY_BYTES);
        builder.producerProperties = ProducerSettings.build(clientEntries);
        builder.token = TokenLoader.load(permwatchEntries.getOrDefault(TOKEN_ENV, DEFAULT_TOKEN_ENV),
                permwatchEntries.containsKey(TOKEN_ENV), emptyToNull(permwatchEntries.get(TOKEN_FILE)), env);
        builder.pollerHost = hostName(env);
        try {
            builder.ops = OpsSettings.parse(permwatchEntries, OpsSettings.DEFAULT_POLLER_PORT);
        } catch (final OpsSettings.InvalidSettingException e) {
            throw new PollerConfigException(e.key(), e.getMessage(), e);
        }
        return new PollerConfig(builder);
    }

    private static void rejectUnknownKeys(final Set<String> keys, final List<String> sourceNames) {
        for (final String key : new TreeSet<>(keys)) {
            if (GLOBAL_KEYS.contains(key)) {
                continue;
            }
            if (key.equals(LITERAL_TOKEN_KEY)) {
                // The value is a secret, so the message names only the key.
                throw new PollerConfigException(key, "The API token cannot be set in the configuration file ("
                        + key + "), so that it never sits in a file that is copied, committed or logged. Remove the"
                        + " key and put the token in the environment variable " + DEFAULT_TOKEN_ENV + " (or the one"
                        + " named by " + TOKEN_ENV + "), or in a file named by " + TOKEN_FILE);
            }
            if (!key.startsWith(SourceParser.PREFIX)) {
                throw new PollerConfigException(key, "Unknown key " + key + ": permwatch keys are "
                        + new TreeSet<>(GLOBAL_KEYS) + " and permwatch.source.<name>." + SourceParser.SUFFIXES
                        + "; fix the spelling or remove the key");
            }
            final String rest = key.substring(SourceParser.PREFIX.length());
            final int dot = rest.indexOf('.');
            final String name = dot < 0 ? rest : rest.substring(0, dot);
            final String suffix = dot < 0 ? "" : rest.substring(dot + 1);
            if (!sourceNames.contains(name)) {
                throw new PollerConfigException(key, "Key " + key + " configures source '" + name
                        + "', which is not listed in " + SOURCES + " " + sourceNames
                        + ": add the name there or remove the key");
            }
            if (!SourceParser.SUFFIXES.contains(suffix)) {
                throw new PollerConfigException(key, "Unknown key " + key + ": a source takes "
                        + SourceParser.SUFFIXES.stream().map(s -> SourceParser.key(name, s)).toList()
                        + "; fix the spelling or remove the key");
            }
        }
    }

    private static String parseTopic(final Map<String, String> entries, final String key, final String defaultTopic) {
        final String topic = entries.getOrDefault(key, defaultTopic);
        if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new PollerConfigException(key, "Invalid value '" + topic + "' for "
                    + key + ": a Kafka topic name is 1 to 249 letters, digits, '.', '_' or '-'");
        }
        return topic;
    }

    static void rejectDisabledHostnameChecks(final URI baseUrl, final String propertyValue) {
        if (propertyValue == null || propertyValue.equalsIgnoreCase("false")) {
            return;
        }
        if ("https".equalsIgnoreCase(baseUrl.getScheme())) {
            throw new PollerConfigException(JDK_DISABLE_HOSTNAME_VERIFICATION, "The JVM runs with -D"
                    + JDK_DISABLE_HOSTNAME_VERIFICATION + ", which would send the API token to a server"
                    + " whose certificate does not name " + baseUrl.getHost() + ": remove the system property");
        }
    }

    private static RetrySettings parseRetry(final Map<String, String> entries) {
        final int maxAttempts = (int) parsePositiveLong(entries, RETRY_MAX_ATTEMPTS, DEFAULT_RETRY_MAX_ATTEMPTS,
                MAX_RETRY_ATTEMPTS);
        final long initialMillis = parsePositiveLong(entries, RETRY_INITIAL_BACKOFF_MS,
                DEFAULT_RETRY_INITIAL_BACKOFF_MS, MAX_BACKOFF_MS);
        final long maxMillis = parsePositiveLong(entries, RETRY_MAX_BACKOFF_MS,
                Math.max(DEFAULT_RETRY_MAX_BACKOFF_MS, initialMillis), MAX_BACKOFF_MS);
        if (maxMillis < initialMillis) {
            throw new PollerConfigException(RETRY_MAX_BACKOFF_MS, "Invalid value '" + maxMillis + "' for "
                    + RETRY_MAX_BACKOFF_MS + ": it must be at least " + RETRY_INITIAL_BACKOFF_MS + " ("
                    + initialMillis + "); raise it or lower the initial backoff");
        }
        return new RetrySettings(maxAttempts, Duration.ofMillis(initialMillis), Duration.ofMillis(maxMillis));
    }

    private static RateLimitSettings parseRateLimit(final Map<String, String> entries) {
        final int requestsPerWindow = (int) parsePositiveLong(entries, RATE_LIMIT_REQUESTS_PER_WINDOW,
                DEFAULT_RATE_LIMIT_REQUESTS_PER_WINDOW, 1_000_000);
        final long windowSeconds = parsePositiveLong(entries, RATE_LIMIT_WINDOW_SECONDS,
                DEFAULT_RATE_LIMIT_WINDOW_SECONDS, 86_400);
        final String shareText = entries.get(RATE_LIMIT_SHARE);
        double share = DEFAULT_RATE_LIMIT_SHARE;
        if (shareText != null) {
            try {
                share = Double.parseDouble(shareText);
            } catch (final NumberFormatException e) {
                share = Double.NaN;
            }
            if (!(share > 0.0 && share <= 1.0)) {
                throw new PollerConfigException(RATE_LIMIT_SHARE, "Invalid value '" + shareText + "' for "
                        + RATE_LIMIT_SHARE + ": expected a fraction above 0 and at most 1, for example "
                        + DEFAULT_RATE_LIMIT_SHARE + " for a tenth of the user's requests");
            }
        }
        return new RateLimitSettings(requestsPerWindow, Duration.ofSeconds(windowSeconds), share);
    }

    private static long parsePositiveLong(final Map<String, String> entries, final String key,
                                          final long defaultValue, final long max) {
        final String text = entries.get(key);
        if (text == null) {
            return defaultValue;
        }
        final long value;
        try {
            value = Long.parseLong(text);
        } catch (final NumberFormatException e) {
            throw new PollerConfigException(key, "Invalid value '" + text + "' for " + key
                    + ": expected a whole number, for example " + defaultValue);
        }
        if (value <= 0 || value > max) {
            throw new PollerConfigException(key, "Invalid value '" + text + "' for " + key
                    + ": expected a number from 1 to " + max + ", for example " + defaultValue);
        }
        return value;
    }

    private static String emptyToNull(final String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String hostName(final Map<String, String> env) {
        final String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            // Resolves the machine's own name, usually from /etc/hosts.
            return InetAddress.getLocalHost().getHostName();
        } catch (final UnknownHostException e) {
            LOG.warn("Cannot determine the host name; snapshots will have no pollerHost: {}", e.toString());
            return null;
        }
    }

    /** Returns the API root without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    public Token token() {
        return token;
    }

    /** Returns the sources in the order of {@code permwatch.sources}; never empty. */
    public List<SourceConfig> sources() {
        return sources;
    }

    public String snapshotsTopic() {
        return snapshotsTopic;
    }

    public String pollStatusTopic() {
        return pollStatusTopic;
    }

    public String alertsTopic() {
        return alertsTopic;
    }

    public RetrySettings retry() {
        return retry;
    }

    public RateLimitSettings rateLimit() {
        return rateLimit;
    }

    /** Returns the number of failed polls in a row that makes a source unhealthy. */
    public int healthFailureThreshold() {
        return healthFailureThreshold;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Returns the time allowed from sending a request to reading the whole body. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Returns a copy of the producer properties. They may contain registry credentials, so they
     * are never logged.
     */
    public Properties producerProperties() {
        final Properties copy = new Properties();
        copy.putAll(producerProperties);
        return copy;
    }

    /** Returns the host name recorded in each snapshot, or null when unknown. */
    public String pollerHost() {
        return pollerHost;
    }

    /** Returns where the metrics and health endpoint listens, or disabled settings. */
    public OpsSettings ops() {
        return ops;
    }

    /** Describes the configuration for a log line, without the token or producer properties. */
    @Override
    public String toString() {
        final List<String> sourceDescriptions = new ArrayList<>();
        for (final SourceConfig source : sources) {
            sourceDescriptions.add(source.name() + "=" + source.sourceKey() + " " + source.schedule().describe());
        }
        return "PollerConfig{baseUrl=" + baseUrl + ", sources=" + sourceDescriptions
                + ", topics=[" + snapshotsTopic + ", " + pollStatusTopic + ", " + alertsTopic + "]"
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxBodyBytes=" + maxBodyBytes + ", " + retry + ", " + rateLimit
                + ", healthFailureThreshold=" + healthFailureThreshold + "}";
    }

    private static final class Builder {
        private URI baseUrl;
        private Token token;
        private List<SourceConfig> sources;
        private String snapshotsTopic;
        private String pollStatusTopic;
        private String alertsTopic;
        private RetrySettings retry;
        private RateLimitSettings rateLimit;
        private int healthFailureThreshold;
        private Duration connectTimeout;
        private Duration requestTimeout;
        private long maxBodyBytes;
        private Properties producerProperties;
        private String pollerHost;
        private OpsSettings ops;
    }
}
