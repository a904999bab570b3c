package dev.permwatch.streams;

import dev.permwatch.ops.OpsSettings;

import java.util.Map;
import java.util.Properties;

/**
 * Configuration of the streams app, split from one properties file by {@link StreamsConfigFactory}.
 *
 * @param topologySettings  topics, store, baseline option and clock for {@link PermwatchTopology#build}
 * @param streamsProperties the Kafka Streams configuration with defaults applied
 * @param serdeConfig       configuration passed to every serde: all keys that do not start with
 *                          {@code permwatch.}, with defaults applied
 * @param ops               where the metrics and health endpoint listens
 */
public record StreamsAppConfig(
        TopologySettings topologySettings,
        Properties streamsProperties,
        Map<String, Object> serdeConfig,
        OpsSettings ops) {
}
