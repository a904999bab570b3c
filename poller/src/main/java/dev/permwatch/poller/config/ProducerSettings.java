package dev.permwatch.poller.config;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the Kafka producer properties from every key that does not start with
 * {@code permwatch.}. Those keys also reach the value serializer, as with Confluent's serializers.
 */
final class ProducerSettings {

    /** Serializer used unless {@code value.serializer} is set, for example to Confluent's. */
    static final String DEFAULT_VALUE_SERIALIZER = "dev.permwatch.serde.AvroSerializer";

    static final String DEFAULT_CLIENT_ID = "permwatch-poller";

    private ProducerSettings() {
    }

    /**
     * Returns the producer properties with idempotence, {@code acks=all} and the serializers set.
     *
     * @throws PollerConfigException if {@code bootstrap.servers} is missing, or a setting would
     *                               allow a snapshot to be lost or duplicated
     */
    static Properties build(final Map<String, String> clientEntries) {
        final Properties producer = new Properties();
        producer.putAll(clientEntries);

        final String bootstrap = clientEntries.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new PollerConfigException(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    "Missing bootstrap.servers: set it to the Kafka brokers, for example bootstrap.servers=localhost:9092");
        }

        requireIfSet(clientEntries, ProducerConfig.ACKS_CONFIG, "all", "-1",
                "a snapshot acknowledged by one replica can be lost, so the poller needs acks=all; remove the key or write acks=all");
        producer.put(ProducerConfig.ACKS_CONFIG, "all");

        requireIfSet(clientEntries, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", "true",
                "without idempotence a retried send can write a snapshot twice; remove the key or write enable.idempotence=true");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");

        requireIfSet(clientEntries, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(), StringSerializer.class.getName(),
                "snapshot keys are source keys written as strings; remove the key");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());

        producer.putIfAbsent(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, DEFAULT_VALUE_SERIALIZER);
        producer.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, DEFAULT_CLIENT_ID);
        return producer;
    }

    private static void requireIfSet(final Map<String, String> entries, final String key,
                                     final String expected, final String alias, final String reason) {
        final String value = entries.get(key);
        if (value == null) {
            return;
        }
        final String normalized = value.toLowerCase(Locale.ROOT);
        if (!normalized.equals(expected.toLowerCase(Locale.ROOT)) && !normalized.equals(alias.toLowerCase(Locale.ROOT))) {
            throw new PollerConfigException(key, "Invalid value '" + value + "' for " + key + ": " + reason);
        }
    }
}
