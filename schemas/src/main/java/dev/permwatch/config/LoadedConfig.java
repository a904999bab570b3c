package dev.permwatch.config;

import java.util.List;
import java.util.Properties;

/**
 * Configuration after file reading and environment overrides.
 *
 * @param properties          permwatch keys and Kafka client keys, the latter without the
 *                            {@code kafka.} section prefix; values may contain secrets, so they
 *                            are never logged
 * @param keysFromEnvironment sorted names of the keys an environment variable set or replaced
 */
public record LoadedConfig(Properties properties, List<String> keysFromEnvironment) {

    /** Returns a copy of the properties, so the caller cannot change the record. */
    @Override
    public Properties properties() {
        final Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }
}
