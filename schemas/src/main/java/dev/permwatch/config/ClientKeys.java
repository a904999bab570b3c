package dev.permwatch.config;

import dev.permwatch.serde.AvroSerdeConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Names of the Kafka client and serde keys one app accepts outside the {@code kafka.} section,
 * and which of them are secrets. Built from the clients' own {@link ConfigDef}s, so a Kafka
 * upgrade that adds a key needs no change here.
 */
public final class ClientKeys {

    /**
     * Key prefixes every client accepts with any suffix: config providers (KIP-297) and the
     * metrics context labels (KIP-606).
     */
    private static final List<String> COMMON_PREFIXES = List.of("config.providers.", "metrics.context.");

    private final Set<String> names;
    private final Set<String> secretNames;
    private final List<String> prefixes;

    private ClientKeys(final Set<String> names, final Set<String> secretNames, final List<String> prefixes) {
        this.names = names;
        this.secretNames = secretNames;
        this.prefixes = prefixes;
    }

    /** Returns the keys of a Kafka producer and of the permwatch Avro serializer. */
    public static ClientKeys producer() {
        return builder().add(ProducerConfig.configDef()).add(AvroSerdeConfig.configDef()).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns whether {@code key} is a known client or serde key, or starts with an accepted prefix. */
    public boolean isKnown(final String key) {
        if (names.contains(key)) {
            return true;
        }
        for (final String prefix : prefixes) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns whether the value of {@code key} is a secret: a key of type PASSWORD in a client's
     * definition, {@code sasl.jaas.config}, or a key whose last part names a password, secret or
     * user info. A key behind an accepted prefix ({@code producer.ssl.key.password}) counts too.
     */
    public boolean isSecret(final String key) {
        String unprefixed = key;
        for (final String prefix : prefixes) {
            if (key.startsWith(prefix)) {
                unprefixed = key.substring(prefix.length());
                break;
            }
        }
        if (secretNames.contains(key) || secretNames.contains(unprefixed)) {
            return true;
        }
        final String lower = unprefixed.toLowerCase(Locale.ROOT);
        return lower.endsWith("password") || lower.endsWith("secret") || lower.endsWith("user.info")
                || lower.endsWith("jaas.config") || lower.contains("secret.");
    }

    /** Returns every known key name, sorted, without the prefixes. */
    public Set<String> names() {
        return names;
    }

    /** Returns the accepted key prefixes. */
    public List<String> prefixes() {
        return prefixes;
    }

    /** Collects key names from client definitions. */
    public static final class Builder {
        private final Set<String> names = new TreeSet<>();
        private final Set<String> secretNames = new TreeSet<>();
        private final List<String> prefixes = new ArrayList<>(COMMON_PREFIXES);

        private Builder() {
        }

        /** Adds every key of {@code definition}; keys of type PASSWORD are secrets. */
        public Builder add(final ConfigDef definition) {
            for (final ConfigDef.ConfigKey key : definition.configKeys().values()) {
                names.add(key.name);
                if (key.type == ConfigDef.Type.PASSWORD) {
                    secretNames.add(key.name);
                }
            }
            return this;
        }

        /** Adds key names that no {@link ConfigDef} lists but a component reads. */
        public Builder addNames(final Collection<String> extraNames) {
            names.addAll(extraNames);
            return this;
        }

        /** Accepts every key that starts with {@code prefix}, such as Kafka Streams' {@code producer.}. */
        public Builder addPrefix(final String prefix) {
            prefixes.add(prefix);
            return this;
        }

        /** Adds the keys of a consumer and an admin client, which Kafka Streams also accepts. */
        public Builder addConsumerAndAdmin() {
            return add(ConsumerConfig.configDef()).add(AdminClientConfig.configDef());
        }

        public ClientKeys build() {
            return new ClientKeys(Collections.unmodifiableSet(new TreeSet<>(names)), Set.copyOf(secretNames),
                    List.copyOf(prefixes));
        }
    }
}
