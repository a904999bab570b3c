package dev.permwatch.serde;

import dev.permwatch.schemas.UrlRedaction;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the Avro serializer, deserializer and registry client. Key names and defaults
 * are those of Confluent's {@code KafkaAvroSerializer}, so the same client properties work with
 * either implementation; the two timeout keys are this implementation's own.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    /** Comma-separated registry URLs, tried in order on connection failure; or {@code mock://<scope>}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Whether the serializer registers the record's schema (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Whether the serializer uses the subject's latest version instead of the record's schema. */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** {@code URL} (user info taken from the registry URL, the default) or {@code USER_INFO}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for {@code USER_INFO} credentials. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Same as {@link #BASIC_AUTH_USER_INFO}; Confluent accepts both names. */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    /** Whether the deserializer returns generated SpecificRecord classes (default false: GenericRecord). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Connect timeout per registry URL in milliseconds; not a Confluent key. */
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    /** Timeout of one registry request in milliseconds, connect time excluded; not a Confluent key. */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    /** URL scheme that selects the in-memory registry of one scope, as in Confluent's tests. */
    public static final String MOCK_SCHEME = "mock";

    private static final String SOURCE_URL = "URL";
    private static final String SOURCE_USER_INFO = "USER_INFO";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, null, Importance.HIGH,
                    "Comma-separated Schema Registry URLs, or mock://<scope> for an in-memory registry.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's schema under the subject when serializing.")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                    "Serialize with the id of the subject's latest version.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, SOURCE_URL, Importance.MEDIUM,
                    "Where basic-auth credentials come from: URL or USER_INFO.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for USER_INFO credentials.")
            .define(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.LOW,
                    "Same as basic.auth.user.info.")
            .define(SPECIFIC_AVRO_READER, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Deserialize to generated SpecificRecord classes instead of GenericRecord.")
            .define(CONNECT_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Connect timeout per registry URL in milliseconds.")
            .define(REQUEST_TIMEOUT_MS, Type.INT, 30_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout of one registry request in milliseconds.");

    /**
     * Parses serde configuration; keys that are not defined here are ignored.
     *
     * @throws ConfigException when {@code schema.registry.url} is missing or invalid, or another
     *                         value has the wrong type or an unknown value
     */
    public AvroSerdeConfig(final Map<String, ?> configs) {
        this(configs, true);
    }

    /** Returns the definition of every serde key, for configuration checks and help output. */
    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    /**
     * Parses serde configuration; {@code requireUrl} is false for serdes built with an explicit
     * registry client, which need no URL.
     */
    AvroSerdeConfig(final Map<String, ?> configs, final boolean requireUrl) {
        super(DEFINITION, configs, false);
        validate(requireUrl);
    }

    /** Returns the registry URLs in the configured order; empty only when no URL was required. */
    public List<URI> schemaRegistryUrls() {
        final List<URI> urls = new ArrayList<>();
        for (final String text : configuredUrls()) {
            urls.add(parseUrl(text));
        }
        return urls;
    }

    /** Returns the scope of a {@code mock://<scope>} URL, or empty for real registry URLs. */
    public Optional<String> mockScope() {
        final List<URI> urls = schemaRegistryUrls();
        if (urls.isEmpty() || !MOCK_SCHEME.equals(urls.get(0).getScheme())) {
            return Optional.empty();
        }
        final String text = configuredUrls().get(0).trim();
        return Optional.of(text.substring((MOCK_SCHEME + "://").length()));
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    public boolean specificAvroReader() {
        return getBoolean(SPECIFIC_AVRO_READER);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getInt(CONNECT_TIMEOUT_MS));
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
    }

    /**
     * Returns the {@code user:password} to send with every request, or empty for none. With the
     * {@code URL} source it is the user info of the first URL that has one.
     */
    public Optional<String> basicAuthUserInfo() {
        if (SOURCE_USER_INFO.equals(credentialsSource())) {
            return Optional.of(configuredUserInfo().orElseThrow().value());
        }
        for (final URI url : schemaRegistryUrls()) {
            if (url.getRawUserInfo() != null) {
                return Optional.of(java.net.URLDecoder.decode(url.getRawUserInfo(),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private void validate(final boolean requireUrl) {
        if (configuredUrls().isEmpty() && requireUrl) {
            throw new ConfigException("Missing required configuration '" + SCHEMA_REGISTRY_URL
                    + "': set it to the Schema Registry URL, for example http://127.0.0.1:8081,"
                    + " or to mock://<scope> for an in-memory registry in tests.");
        }
        final List<URI> parsed = schemaRegistryUrls();
        final boolean anyMock = parsed.stream().anyMatch(url -> MOCK_SCHEME.equals(url.getScheme()));
        if (anyMock && parsed.size() > 1) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, redactedUrls(),
                    "a mock:// URL cannot be combined with other URLs; use one mock://<scope> URL.");
        }

        final String source = credentialsSource();
        if (!SOURCE_URL.equals(source) && !SOURCE_USER_INFO.equals(source)) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, getString(BASIC_AUTH_CREDENTIALS_SOURCE),
                    "expected URL or USER_INFO; SASL_INHERIT and bearer tokens are not supported here.");
        }
        if (SOURCE_USER_INFO.equals(source)) {
            final Optional<Password> userInfo = configuredUserInfo();
            if (userInfo.isEmpty()) {
                throw new ConfigException("Missing configuration '" + BASIC_AUTH_USER_INFO + "': "
                        + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO needs it in the form user:password.");
            }
            if (userInfo.get().value().indexOf(':') < 1) {
                // The value is a secret, so the message describes its shape without showing it.
                throw new ConfigException("Invalid configuration '" + BASIC_AUTH_USER_INFO
                        + "': expected user:password with a non-empty user name (value hidden).");
            }
        }
    }

    private List<String> configuredUrls() {
        final List<String> urls = getList(SCHEMA_REGISTRY_URL);
        if (urls == null) {
            return List.of();
        }
        return urls.stream().filter(url -> !url.isBlank()).toList();
    }

    private String credentialsSource() {
        return getString(BASIC_AUTH_CREDENTIALS_SOURCE).trim().toUpperCase(Locale.ROOT);
    }

    private Optional<Password> configuredUserInfo() {
        final Password primary = getPassword(BASIC_AUTH_USER_INFO);
        if (primary != null && !primary.value().isEmpty()) {
            return Optional.of(primary);
        }
        final Password alias = getPassword(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO);
        if (alias != null && !alias.value().isEmpty()) {
            return Optional.of(alias);
        }
        return Optional.empty();
    }

    private URI parseUrl(final String text) {
        final String trimmed = text.trim();
        try {
            final URI url = new URI(trimmed);
            final String scheme = url.getScheme();
            if (MOCK_SCHEME.equals(scheme)) {
                return url;
            }
            if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, UrlRedaction.redactUserInfo(trimmed),
                        "expected http://host:port, https://host:port or mock://<scope>." + userInfoHint(trimmed));
            }
            return url;
        } catch (final URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, UrlRedaction.redactUserInfo(trimmed),
                    "not a valid URL (" + e.getReason() + "); expected http://host:port or mock://<scope>.");
        }
    }

    /** Explains the usual cause of a URL with user info that does not parse, without showing it. */
    private static String userInfoHint(final String url) {
        if (url.indexOf('@') < 0) {
            return "";
        }
        return " If the URL contains user:password@, percent-encode '/', '?', '#' and '@' in the password"
                + " (%2F, %3F, %23, %40), or set basic.auth.credentials.source=USER_INFO and "
                + BASIC_AUTH_USER_INFO + " instead.";
    }

    private String redactedUrls() {
        final List<String> redacted = new ArrayList<>();
        for (final String url : configuredUrls()) {
            redacted.add(UrlRedaction.redactUserInfo(url.trim()));
        }
        return String.join(",", redacted);
    }
}
