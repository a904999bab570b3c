package dev.permwatch.streams;

import dev.permwatch.ops.OpsSettings;
import dev.permwatch.streams.deadletter.DeadLetterDeserializationHandler;
import dev.permwatch.streams.deadletter.DeadLetterProcessingHandler;
import dev.permwatch.streams.diff.RemovalPolicy;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Splits the streams app's properties into permwatch settings and Kafka Streams configuration.
 *
 * <p>Keys starting with {@code permwatch.} configure the topology, and an unknown one is an error.
 * Every other key goes unchanged to Kafka Streams and to the Avro serdes, so
 * {@code schema.registry.url}, {@code basic.auth.credentials.source} and
 * {@code basic.auth.user.info} are written as for any Kafka client. Defaults:
 * {@code application.id=permwatch-streams}, {@code processing.guarantee=exactly_once_v2} and the
 * String serde as default key serde. A single-broker cluster also needs {@code replication.factor=1}.
 *
 * <table>
 * <caption>permwatch settings</caption>
 * <tr><th>Key</th><th>Default</th><th>Meaning</th></tr>
 * <tr><td>{@value #TOPIC_SNAPSHOTS}</td><td>permwatch.snapshots</td><td>input snapshots</td></tr>
 * <tr><td>{@value #TOPIC_CONTROL}</td><td>permwatch.control</td><td>operator commands; same partition
 *     count as the snapshots topic</td></tr>
 * <tr><td>{@value #TOPIC_CHANGES}</td><td>permwatch.changes</td><td>change events</td></tr>
 * <tr><td>{@value #TOPIC_CATALOG}</td><td>permwatch.catalog</td><td>compacted catalog</td></tr>
 * <tr><td>{@value #TOPIC_DIFF_REPORTS}</td><td>permwatch.diff-reports</td><td>one report per snapshot</td></tr>
 * <tr><td>{@value #TOPIC_ALERTS}</td><td>permwatch.alerts</td><td>held removals and dead letters</td></tr>
 * <tr><td>{@value #TOPIC_DEAD_LETTER}</td><td>permwatch.dead-letter</td><td>input records that could not be
 *     processed, with their original bytes</td></tr>
 * <tr><td>{@value #BASELINE_EMIT_ADDED}</td><td>false</td><td>emit ADDED for every group of a source's
 *     first snapshot</td></tr>
 * <tr><td>{@value #REMOVAL_CONFIRMATIONS}</td><td>2</td><td>consecutive snapshots a group must be absent
 *     from before it is removed (1 = at once); also the number of later snapshots that confirm held
 *     removals</td></tr>
 * <tr><td>{@value #SHRINK_GUARD_MAX_SHARE}</td><td>0.10</td><td>largest share of the catalog (0 to 1) one
 *     snapshot may make newly absent before its removals are held</td></tr>
 * <tr><td>{@value #SHRINK_GUARD_MAX_COUNT}</td><td>25</td><td>largest number of groups one snapshot may
 *     make newly absent before its removals are held</td></tr>
 * <tr><td>{@value dev.permwatch.ops.OpsSettings#PORT}</td><td>9401</td><td>TCP port of the metrics and
 *     health endpoint; 0 picks a free port, -1 turns it off</td></tr>
 * <tr><td>{@value dev.permwatch.ops.OpsSettings#BIND_ADDRESS}</td><td>0.0.0.0</td><td>address the
 *     endpoint listens on; all interfaces by default, so a scraper can reach a container</td></tr>
 * <tr><td>{@value dev.permwatch.ops.OpsSettings#ENABLED}</td><td>true</td><td>false turns the endpoint
 *     off</td></tr>
 * </table>
 *
 * <p>The factory also sets the Kafka Streams error handling, so that no input record is dropped
 * silently: {@code deserialization.exception.handler} and {@code processing.exception.handler}
 * are the permwatch dead-letter handlers and {@code errors.dead.letter.queue.topic.name} is the
 * dead-letter topic. Setting any of them to another value is an error.
 */
public final class StreamsConfigFactory {

    public static final String PREFIX = "permwatch.";
    public static final String TOPIC_SNAPSHOTS = "permwatch.topic.snapshots";
    public static final String TOPIC_CHANGES = "permwatch.topic.changes";
    public static final String TOPIC_CATALOG = "permwatch.topic.catalog";
    public static final String TOPIC_DIFF_REPORTS = "permwatch.topic.diff-reports";
    public static final String TOPIC_CONTROL = "permwatch.topic.control";
    public static final String TOPIC_ALERTS = "permwatch.topic.alerts";
    public static final String TOPIC_DEAD_LETTER = "permwatch.topic.dead-letter";
    public static final String BASELINE_EMIT_ADDED = "permwatch.baseline.emit-added";
    public static final String REMOVAL_CONFIRMATIONS = "permwatch.removal.confirmations";
    public static final String SHRINK_GUARD_MAX_SHARE = "permwatch.shrink-guard.max-share";
    public static final String SHRINK_GUARD_MAX_COUNT = "permwatch.shrink-guard.max-count";

    /**
     * Streams configuration key that passes the alerts topic to the dead-letter handlers. The
     * factory sets it from {@value #TOPIC_ALERTS}; it does not start with {@code permwatch.} because
     * those keys never reach Kafka Streams.
     */
    public static final String ALERTS_TOPIC_CONFIG = "dead.letter.alerts.topic.name";

    public static final String DEFAULT_APPLICATION_ID = "permwatch-streams";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    /** Legal Kafka topic names: ASCII letters, digits, '.', '_' and '-', at most 249 characters. */
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private StreamsConfigFactory() {
    }

    /** Splits {@code props} with the system UTC clock for {@code detectedAt}. */
    public static StreamsAppConfig create(final Properties props) {
        return create(props, Clock.systemUTC());
    }

    /**
     * Splits {@code props} into topology settings and the Streams and serde configuration.
     *
     * @throws IllegalArgumentException on an unknown {@code permwatch.} key, an invalid topic name,
     *                                  boolean or number, an error-handling key set to another value,
     *                                  or a missing {@code bootstrap.servers} or
     *                                  {@code schema.registry.url}, or an invalid {@code permwatch.ops.*}
     *                                  value. The message names the key.
     */
    public static StreamsAppConfig create(final Properties props, final Clock clock) {
        final Map<String, String> permwatch = new LinkedHashMap<>();
        final Properties streams = new Properties();
        for (final String key : props.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                permwatch.put(key, props.getProperty(key).trim());
            } else {
                streams.put(key, props.getProperty(key));
            }
        }

        final TopologySettings settings = topologySettings(permwatch, clock);
        final OpsSettings ops = OpsSettings.parse(permwatch, OpsSettings.DEFAULT_STREAMS_PORT);

        streams.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        streams.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        streams.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        for (final Map.Entry<String, String> entry : errorHandlingProperties(settings).entrySet()) {
            final String configured = streams.getProperty(entry.getKey());
            if (configured != null && !configured.trim().equals(entry.getValue())) {
                throw new IllegalArgumentException("Invalid value '" + configured + "' for " + entry.getKey()
                        + ": permwatch sets it to '" + entry.getValue() + "' so that no record is dropped silently."
                        + " Remove the key" + (entry.getKey().equals(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)
                        ? ", and set " + TOPIC_DEAD_LETTER + " to choose the dead-letter topic" : "") + ".");
            }
            streams.put(entry.getKey(), entry.getValue());
        }
        requirePresent(streams, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                "the Kafka brokers to connect to, for example 127.0.0.1:9092");
        requirePresent(streams, SCHEMA_REGISTRY_URL,
                "the Schema Registry URL, for example http://127.0.0.1:8081, or mock://<scope> in tests");

        // The serdes are built here, not by Kafka Streams, so config provider references such as
        // ${env:NAME} in basic.auth.user.info are resolved the way a Kafka client resolves them.
        final Map<String, Object> serdeConfig = new LinkedHashMap<>(
                new AbstractConfig(new ConfigDef(), streams, false).originals());
        return new StreamsAppConfig(settings, streams, serdeConfig, ops);
    }

    /**
     * Returns the Kafka Streams error-handling settings for {@code settings}: the permwatch
     * dead-letter handlers, the dead-letter topic, and ({@value #ALERTS_TOPIC_CONFIG}) the alerts
     * topic the handlers write to.
     */
    public static Map<String, String> errorHandlingProperties(final TopologySettings settings) {
        final Map<String, String> properties = new LinkedHashMap<>();
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class.getName());
        // The topology has no global store; enabling the handler there too silences the Kafka 4.4 warning.
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, settings.deadLetterTopic());
        properties.put(ALERTS_TOPIC_CONFIG, settings.alertsTopic());
        return properties;
    }

    private static TopologySettings topologySettings(final Map<String, String> permwatch, final Clock clock) {
        for (final String key : permwatch.keySet()) {
            if (!StreamsKeys.keyNames().contains(key)) {
                throw new IllegalArgumentException("Unknown setting '" + key + "': keys starting with '" + PREFIX
                        + "' must be one of " + new TreeSet<>(StreamsKeys.keyNames())
                        + ". Fix the spelling or remove the key.");
            }
        }
        final TopologySettings defaults = TopologySettings.defaults();
        final RemovalPolicy policy = defaults.removalPolicy();
        final int confirmations = integer(permwatch, REMOVAL_CONFIRMATIONS, policy.confirmations(), 1,
                "1 or more snapshots");
        final double maxShare = share(permwatch, SHRINK_GUARD_MAX_SHARE, policy.maxShare());
        final int maxCount = integer(permwatch, SHRINK_GUARD_MAX_COUNT, policy.maxCount(), 0, "0 or more groups");

        final TopologySettings settings = new TopologySettings(
                topic(permwatch, TOPIC_SNAPSHOTS, defaults.snapshotsTopic()),
                topic(permwatch, TOPIC_CONTROL, defaults.controlTopic()),
                topic(permwatch, TOPIC_CHANGES, defaults.changesTopic()),
                topic(permwatch, TOPIC_CATALOG, defaults.catalogTopic()),
                topic(permwatch, TOPIC_DIFF_REPORTS, defaults.diffReportsTopic()),
                topic(permwatch, TOPIC_ALERTS, defaults.alertsTopic()),
                topic(permwatch, TOPIC_DEAD_LETTER, defaults.deadLetterTopic()),
                defaults.storeName(),
                flag(permwatch, BASELINE_EMIT_ADDED, defaults.emitBaselineAdded()),
                new RemovalPolicy(confirmations, maxShare, maxCount),
                clock);
        requireDistinctTopics(settings);
        return settings;
    }

    /** Rejects two roles sharing one topic, because each topic contains one record type. */
    private static void requireDistinctTopics(final TopologySettings settings) {
        final Map<String, String> roleByTopic = new LinkedHashMap<>();
        final Map<String, String> topicByKey = new LinkedHashMap<>();
        topicByKey.put(TOPIC_SNAPSHOTS, settings.snapshotsTopic());
        topicByKey.put(TOPIC_CONTROL, settings.controlTopic());
        topicByKey.put(TOPIC_CHANGES, settings.changesTopic());
        topicByKey.put(TOPIC_CATALOG, settings.catalogTopic());
        topicByKey.put(TOPIC_DIFF_REPORTS, settings.diffReportsTopic());
        topicByKey.put(TOPIC_ALERTS, settings.alertsTopic());
        topicByKey.put(TOPIC_DEAD_LETTER, settings.deadLetterTopic());
        for (final Map.Entry<String, String> entry : topicByKey.entrySet()) {
            final String other = roleByTopic.putIfAbsent(entry.getValue(), entry.getKey());
            if (other != null) {
                throw new IllegalArgumentException("Invalid topic '" + entry.getValue() + "' for " + entry.getKey()
                        + ": " + other + " uses it too. Give each permwatch.topic.* key its own topic.");
            }
        }
    }

    private static int integer(final Map<String, String> permwatch, final String key, final int defaultValue,
                               final int min, final String expected) {
        final String value = permwatch.get(key);
        if (value == null) {
            return defaultValue;
        }
        final int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + ": expected a whole number,"
                    + " " + expected + ", or remove the key for the default " + defaultValue);
        }
        if (parsed < min) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + ": expected " + expected
                    + ", or remove the key for the default " + defaultValue);
        }
        return parsed;
    }

    private static double share(final Map<String, String> permwatch, final String key, final double defaultValue) {
        final String value = permwatch.get(key);
        if (value == null) {
            return defaultValue;
        }
        final String expected = ": expected a number from 0 to 1 (0.10 = 10% of the catalog), or remove the key for"
                + " the default " + defaultValue;
        final double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + expected);
        }
        if (!(parsed >= 0.0 && parsed <= 1.0)) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + key + expected);
        }
        return parsed;
    }

    private static String topic(final Map<String, String> permwatch, final String key, final String defaultTopic) {
        final String topic = permwatch.getOrDefault(key, defaultTopic);
        if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("Invalid topic name '" + topic + "' for " + key
                    + ": use 1 to 249 ASCII letters, digits, '.', '_' or '-', or remove the key for the default '"
                    + defaultTopic + "'");
        }
        return topic;
    }

    private static boolean flag(final Map<String, String> permwatch, final String key, final boolean defaultValue) {
        final String value = permwatch.get(key);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Invalid value '" + value + "' for " + key
                    + ": expected true or false");
        };
    }

    /** Rejects a missing or blank value. The message never contains the value, which may contain credentials. */
    private static void requirePresent(final Properties streams, final String key, final String expected) {
        final String value = streams.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing " + key + ": set it to " + expected);
        }
    }
}
