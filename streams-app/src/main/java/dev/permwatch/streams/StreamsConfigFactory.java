package dev.permwatch.streams;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
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
 */
public final class StreamsConfigFactory {

    public static final String PREFIX = "permwatch.";
    public static final String TOPIC_SNAPSHOTS = "permwatch.topic.snapshots";
    public static final String TOPIC_CHANGES = "permwatch.topic.changes";
    public static final String TOPIC_CATALOG = "permwatch.topic.catalog";
    public static final String TOPIC_DIFF_REPORTS = "permwatch.topic.diff-reports";
    public static final String BASELINE_EMIT_ADDED = "permwatch.baseline.emit-added";

    public static final String DEFAULT_APPLICATION_ID = "permwatch-streams";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    private static final List<String> PERMWATCH_KEYS =
            List.of(TOPIC_SNAPSHOTS, TOPIC_CHANGES, TOPIC_CATALOG, TOPIC_DIFF_REPORTS, BASELINE_EMIT_ADDED);

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
     * @throws IllegalArgumentException on an unknown {@code permwatch.} key, an invalid topic name or
     *                                  boolean, or a missing {@code bootstrap.servers} or
     *                                  {@code schema.registry.url}. The message names the key.
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

        streams.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        streams.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        streams.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        requirePresent(streams, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                "the Kafka brokers to connect to, for example 127.0.0.1:9092");
        requirePresent(streams, SCHEMA_REGISTRY_URL,
                "the Schema Registry URL, for example http://127.0.0.1:8081, or mock://<scope> in tests");

        final Map<String, Object> serdeConfig = new LinkedHashMap<>();
        for (final String key : streams.stringPropertyNames()) {
            serdeConfig.put(key, streams.getProperty(key));
        }
        return new StreamsAppConfig(settings, streams, serdeConfig);
    }

    private static TopologySettings topologySettings(final Map<String, String> permwatch, final Clock clock) {
        for (final String key : permwatch.keySet()) {
            if (!PERMWATCH_KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown setting '" + key + "': keys starting with '" + PREFIX
                        + "' must be one of " + PERMWATCH_KEYS + ". Fix the spelling or remove the key.");
            }
        }
        final TopologySettings defaults = TopologySettings.defaults();
        return new TopologySettings(
                topic(permwatch, TOPIC_SNAPSHOTS, defaults.snapshotsTopic()),
                topic(permwatch, TOPIC_CHANGES, defaults.changesTopic()),
                topic(permwatch, TOPIC_CATALOG, defaults.catalogTopic()),
                topic(permwatch, TOPIC_DIFF_REPORTS, defaults.diffReportsTopic()),
                defaults.storeName(),
                flag(permwatch, BASELINE_EMIT_ADDED, defaults.emitBaselineAdded()),
                clock);
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
