package dev.permwatch.streams;

import dev.permwatch.config.ClientKeys;
import dev.permwatch.config.ConfigKey;
import dev.permwatch.config.ConfigLoader;
import dev.permwatch.ops.OpsSettings;
import dev.permwatch.serde.AvroSerdeConfig;
import dev.permwatch.streams.diff.RemovalPolicy;
import org.apache.kafka.streams.StreamsConfig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.permwatch.streams.StreamsConfigFactory.*;

/**
 * Key registry of the streams app: every permwatch key with type, unit, default and description.
 * The {@code --help} output, the unknown-key check of {@link StreamsConfigFactory} and the key
 * table in docs/configuration.md all come from this list.
 */
public final class StreamsKeys {

    private static final List<ConfigKey> ALL = List.of(
            new ConfigKey(TOPIC_SNAPSHOTS, "topic", "", TopologySettings.DEFAULT_SNAPSHOTS_TOPIC,
                    "Input topic of snapshots, keyed by source key."),
            new ConfigKey(TOPIC_CONTROL, "topic", "", TopologySettings.DEFAULT_CONTROL_TOPIC,
                    "Input topic of operator commands (./permwatch confirm-removals). It must have as many partitions"
                            + " as the snapshots topic."),
            new ConfigKey(TOPIC_CHANGES, "topic", "", TopologySettings.DEFAULT_CHANGES_TOPIC,
                    "Output topic of change events, append-only."),
            new ConfigKey(TOPIC_CATALOG, "topic", "", TopologySettings.DEFAULT_CATALOG_TOPIC,
                    "Compacted output topic of the current permission groups, with a tombstone on removal."),
            new ConfigKey(TOPIC_DIFF_REPORTS, "topic", "", TopologySettings.DEFAULT_DIFF_REPORTS_TOPIC,
                    "Output topic with one diff report per snapshot."),
            new ConfigKey(TOPIC_ALERTS, "topic", "", TopologySettings.DEFAULT_ALERTS_TOPIC,
                    "Output topic of held removals, their confirmation or discarding, and dead letters."),
            new ConfigKey(TOPIC_DEAD_LETTER, "topic", "", TopologySettings.DEFAULT_DEAD_LETTER_TOPIC,
                    "Output topic of input records that could not be deserialized or failed validation, with their"
                            + " original bytes."),
            new ConfigKey(BASELINE_EMIT_ADDED, "boolean", "", "false",
                    "true: the first snapshot of a source emits ADDED for every group, with baseline=true."),
            new ConfigKey(REMOVAL_CONFIRMATIONS, "integer", "snapshots", String.valueOf(RemovalPolicy.DEFAULT_CONFIRMATIONS),
                    "Consecutive accepted snapshots a group must be absent from before it is REMOVED (1 removes at"
                            + " once). Also the number of later snapshots that confirm held removals."),
            new ConfigKey(SHRINK_GUARD_MAX_SHARE, "decimal", "fraction", String.valueOf(RemovalPolicy.DEFAULT_MAX_SHARE),
                    "Largest share of the known groups, from 0 to 1, that one snapshot may make newly absent"
                            + " before its removals are held."),
            new ConfigKey(SHRINK_GUARD_MAX_COUNT, "integer", "groups", String.valueOf(RemovalPolicy.DEFAULT_MAX_COUNT),
                    "Largest number of groups one snapshot may make newly absent before its removals are held."),
            new ConfigKey(OpsSettings.ENABLED, "boolean", "", "true",
                    "Whether the metrics and health endpoint runs (/metrics, /health/live, /health/ready)."),
            new ConfigKey(OpsSettings.PORT, "integer", "port", String.valueOf(OpsSettings.DEFAULT_STREAMS_PORT),
                    "TCP port of the metrics and health endpoint; 0 picks a free port, -1 turns the endpoint off."),
            new ConfigKey(OpsSettings.BIND_ADDRESS, "string", "", OpsSettings.DEFAULT_BIND_ADDRESS,
                    "Address the endpoint listens on. The default, every interface, lets a scraper in another"
                            + " container reach it; the endpoint has no authentication."));

    private StreamsKeys() {
    }

    public static List<ConfigKey> all() {
        return ALL;
    }

    /** Returns the names of all permwatch keys of the streams app. */
    public static Set<String> keyNames() {
        final Set<String> names = new TreeSet<>();
        ALL.forEach(key -> names.add(key.name()));
        return Set.copyOf(names);
    }

    /**
     * Returns the client keys the streams app accepts outside {@code kafka.}: Kafka Streams,
     * producer, consumer and admin keys, the serde keys, the client prefixes of Kafka Streams
     * ({@code producer.}, {@code main.consumer.}, ...) and the alerts-topic key the factory sets.
     */
    public static ClientKeys clientKeys() {
        return ClientKeys.builder()
                .add(StreamsConfig.configDef())
                .add(org.apache.kafka.clients.producer.ProducerConfig.configDef())
                .addConsumerAndAdmin()
                .add(AvroSerdeConfig.configDef())
                .addNames(List.of(ALERTS_TOPIC_CONFIG))
                .addPrefix(StreamsConfig.PRODUCER_PREFIX)
                .addPrefix(StreamsConfig.CONSUMER_PREFIX)
                .addPrefix(StreamsConfig.MAIN_CONSUMER_PREFIX)
                .addPrefix(StreamsConfig.RESTORE_CONSUMER_PREFIX)
                .addPrefix(StreamsConfig.GLOBAL_CONSUMER_PREFIX)
                .addPrefix(StreamsConfig.ADMIN_CLIENT_PREFIX)
                .addPrefix(StreamsConfig.TOPIC_PREFIX)
                .build();
    }

    /** Returns the loader for streams app files. */
    public static ConfigLoader loader() {
        return new ConfigLoader(clientKeys(), (Map<String, String> entries) -> keyNames());
    }
}
