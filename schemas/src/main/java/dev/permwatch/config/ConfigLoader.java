package dev.permwatch.config;

import dev.permwatch.schemas.UrlRedaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads one app's configuration file and applies environment overrides.
 *
 * <p>Key classes: keys starting with {@code permwatch.} belong to permwatch and are checked by the
 * app. Keys under {@code kafka.} go to the Kafka client and serdes with that prefix removed and
 * are not checked, which is the way to pass a key this version does not know. Any other key must
 * be a known Kafka client or serde key ({@link ClientKeys}), so a misspelt one stops the start.
 *
 * <p>Environment overrides: {@code PERMWATCH_<KEY>} sets a permwatch key and {@code KAFKA_<KEY>}
 * a client key, where {@code <KEY>} is the key in upper case with {@code .} and {@code -} written
 * as {@code _} ({@code permwatch.topic.diff-reports} is {@code PERMWATCH_TOPIC_DIFF_REPORTS},
 * {@code bootstrap.servers} is {@code KAFKA_BOOTSTRAP_SERVERS}). That mapping cannot be reversed,
 * so a variable is matched against the names of the known keys. A {@code PERMWATCH_} variable
 * that matches none is an error, and so is a {@code KAFKA_} one, except the variables of Kafka's
 * scripts ({@code KAFKA_*_OPTS}, {@code KAFKA_HOME}, {@code KAFKA_DEBUG}, {@code KAFKA_LOG_DIR}) and
 * the service variables Kubernetes adds ({@code KAFKA_SERVICE_HOST}, {@code KAFKA_PORT_9092_TCP}).
 *
 * <p>Secrets: a secret client key (see {@link ClientKeys#isSecret}) written as a literal value in
 * the file logs a WARN naming the key, because the file is usually readable by more people than
 * the process environment. A value written as a config provider reference ({@code ${env:NAME}},
 * {@code ${file:/path:key}}) or set from the environment does not. Values never appear in logs or
 * error messages.
 */
public final class ConfigLoader {

    public static final String PERMWATCH_PREFIX = "permwatch.";
    public static final String KAFKA_SECTION = "kafka.";
    public static final String PERMWATCH_ENV_PREFIX = "PERMWATCH_";
    public static final String KAFKA_ENV_PREFIX = "KAFKA_";

    /** Variables that Kafka's shell scripts read, besides {@code KAFKA_*_OPTS}; they are not client keys. */
    private static final Set<String> KAFKA_SCRIPT_VARIABLES = Set.of("KAFKA_HOME", "KAFKA_DEBUG", "KAFKA_LOG_DIR");

    /**
     * Variables Kubernetes adds for each service in the namespace ({@code <SERVICE>_SERVICE_HOST},
     * {@code <SERVICE>_PORT_9092_TCP}, ...). A service named {@code kafka} or {@code permwatch-...}
     * would otherwise stop the app as an unknown variable.
     */
    /** Variables that logback.xml reads; they choose the log format and level, not a configuration key. */
    private static final Set<String> LOGGING_VARIABLES = Set.of("PERMWATCH_LOG_FORMAT", "PERMWATCH_LOG_LEVEL");

    private static final Pattern SERVICE_LINK = Pattern.compile(
            "[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT|PORT_\\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)");

    /** A reference to EnvVarConfigProvider under the usual provider name {@code env}. */
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([^}:]+)}");

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private final ClientKeys clientKeys;
    private final Function<Map<String, String>, Set<String>> permwatchKeyNames;
    private final Set<String> variableNameKeys;

    /**
     * @param clientKeys        the Kafka client and serde keys the app accepts outside {@code kafka.}
     * @param permwatchKeyNames returns every permwatch key name the app accepts for the given
     *                          permwatch entries (the poller's per-source keys depend on
     *                          {@code permwatch.sources})
     * @param variableNameKeys  permwatch keys whose value names an environment variable, such as
     *                          the poller's token variable; that variable is a value, not an override
     */
    public ConfigLoader(final ClientKeys clientKeys, final Function<Map<String, String>, Set<String>> permwatchKeyNames,
                        final Set<String> variableNameKeys) {
        this.clientKeys = Objects.requireNonNull(clientKeys, "clientKeys");
        this.permwatchKeyNames = Objects.requireNonNull(permwatchKeyNames, "permwatchKeyNames");
        this.variableNameKeys = Set.copyOf(variableNameKeys);
    }

    /** Creates a loader for an app without keys that name environment variables. */
    public ConfigLoader(final ClientKeys clientKeys, final Function<Map<String, String>, Set<String>> permwatchKeyNames) {
        this(clientKeys, permwatchKeyNames, Set.of());
    }

    /**
     * Reads {@code file} (see {@link ConfigFileReader}) and applies {@code env}.
     *
     * @throws InvalidConfigException on an unreadable file, an unknown client key or an unknown
     *                                environment variable with one of the two prefixes
     */
    public LoadedConfig load(final Path file, final Map<String, String> env) {
        return apply(ConfigFileReader.read(file), env, file.toString());
    }

    /** Applies {@code env} to entries read from {@code origin}; see {@link #load}. */
    public LoadedConfig apply(final Map<String, String> fileEntries, final Map<String, String> env, final String origin) {
        final Map<String, String> permwatch = new TreeMap<>();
        final Map<String, String> client = new TreeMap<>();
        splitEntries(fileEntries, permwatch, client, origin);

        // A variable named in a ${env:NAME} reference is a value, not an override, whatever its prefix.
        final Map<String, String> overrides = new TreeMap<>(env);
        overrides.keySet().removeAll(referencedVariables(fileEntries.values()));

        final Set<String> fromEnvironment = new TreeSet<>();
        applyPermwatchVariables(permwatch, overrides, fromEnvironment);
        overrides.keySet().removeAll(namedVariables(permwatch));
        applyKafkaVariables(client, overrides, fromEnvironment);

        warnAboutLiteralSecrets(client, fromEnvironment, origin);
        if (!fromEnvironment.isEmpty()) {
            LOG.info("Configuration keys set from environment variables: {}", fromEnvironment);
        }

        final Properties properties = new Properties();
        properties.putAll(permwatch);
        properties.putAll(client);
        return new LoadedConfig(properties, List.copyOf(fromEnvironment));
    }

    /** Returns the environment variable that overrides {@code key}. */
    public static String environmentVariable(final String key) {
        if (key.startsWith(PERMWATCH_PREFIX)) {
            return PERMWATCH_ENV_PREFIX + toVariableSuffix(key.substring(PERMWATCH_PREFIX.length()));
        }
        return KAFKA_ENV_PREFIX + toVariableSuffix(key);
    }

    private static String toVariableSuffix(final String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void splitEntries(final Map<String, String> entries, final Map<String, String> permwatch,
                              final Map<String, String> client, final String origin) {
        for (final Map.Entry<String, String> entry : entries.entrySet()) {
            final String key = entry.getKey();
            if (key.startsWith(PERMWATCH_PREFIX)) {
                permwatch.put(key, entry.getValue());
            } else if (key.startsWith(KAFKA_SECTION)) {
                final String clientKey = key.substring(KAFKA_SECTION.length());
                if (clientKey.isEmpty() || clientKey.startsWith(PERMWATCH_PREFIX)) {
                    throw new InvalidConfigException(key, "Invalid key " + key + " in " + origin
                            + ": the kafka. section passes keys to the Kafka client, so it cannot hold an empty or"
                            + " permwatch. key; move the key out of the section");
                }
                if (entries.containsKey(clientKey)) {
                    throw new InvalidConfigException(key, "Duplicate key in " + origin + ": both " + clientKey
                            + " and " + key + " are set; keep one of them");
                }
                client.put(clientKey, entry.getValue());
            } else {
                requireKnownClientKey(key, origin);
                client.put(key, entry.getValue());
            }
        }
    }

    private void requireKnownClientKey(final String key, final String origin) {
        if (clientKeys.isKnown(key)) {
            return;
        }
        if (key.startsWith("schema.registry.ssl.")) {
            throw new InvalidConfigException(key, "Unsupported key " + key + " in " + origin
                    + ": the permwatch Schema Registry client has no TLS settings of its own and uses the JVM's"
                    + " trust store; remove the key and start the JVM with -Djavax.net.ssl.trustStore=<path>"
                    + " (and -Djavax.net.ssl.trustStorePassword from an environment variable)");
        }
        throw new InvalidConfigException(key, "Unknown key " + key + " in " + origin
                + ": it is neither a permwatch. key nor a Kafka client or serde key. Fix the spelling, or, if the"
                + " Kafka client or a plug-in reads it, write it as kafka." + key + " to pass it on unchecked");
    }

    /**
     * Applies {@code PERMWATCH_} variables in two rounds, because {@code PERMWATCH_SOURCES} may
     * name sources whose per-source keys only then become known.
     */
    private void applyPermwatchVariables(final Map<String, String> permwatch, final Map<String, String> env,
                                         final Set<String> fromEnvironment) {
        final Map<String, String> variables = variablesWithPrefix(env, PERMWATCH_ENV_PREFIX);
        variables.keySet().removeAll(LOGGING_VARIABLES);
        if (variables.isEmpty()) {
            return;
        }
        final Map<String, String> pending = new TreeMap<>(variables);
        applyMatching(pending, keysByVariable(permwatchKeyNames.apply(permwatch)), permwatch, fromEnvironment);
        applyMatching(pending, keysByVariable(permwatchKeyNames.apply(permwatch)), permwatch, fromEnvironment);
        pending.keySet().removeIf(name -> SERVICE_LINK.matcher(name).matches());
        pending.keySet().removeAll(namedVariables(permwatch));
        if (!pending.isEmpty()) {
            final String variable = pending.keySet().iterator().next();
            throw new InvalidConfigException(variable, "Unknown environment variable " + variable
                    + ": it matches no permwatch key. Known variables: "
                    + new TreeSet<>(keysByVariable(permwatchKeyNames.apply(permwatch)).keySet())
                    + ". Fix the name or unset it");
        }
    }

    private void applyKafkaVariables(final Map<String, String> client, final Map<String, String> env,
                                     final Set<String> fromEnvironment) {
        final Map<String, String> variables = variablesWithPrefix(env, KAFKA_ENV_PREFIX);
        variables.keySet().removeIf(name -> KAFKA_SCRIPT_VARIABLES.contains(name) || name.endsWith("_OPTS"));
        if (variables.isEmpty()) {
            return;
        }
        final Set<String> candidates = new TreeSet<>(clientKeys.names());
        candidates.addAll(client.keySet());
        applyMatching(variables, keysByVariable(candidates), client, fromEnvironment);
        variables.keySet().removeIf(name -> SERVICE_LINK.matcher(name).matches());
        if (!variables.isEmpty()) {
            final String variable = variables.keySet().iterator().next();
            throw new InvalidConfigException(variable, "Unknown environment variable " + variable
                    + ": it matches no Kafka client or serde key. Fix the name or unset it; a key behind a prefix"
                    + " (such as producer.) can be overridden only when the file sets it");
        }
    }

    /** Moves each variable that names a key from {@code variables} into {@code target}. */
    private static void applyMatching(final Map<String, String> variables, final Map<String, String> keysByVariable,
                                      final Map<String, String> target, final Set<String> fromEnvironment) {
        final List<String> matched = new ArrayList<>();
        for (final Map.Entry<String, String> variable : variables.entrySet()) {
            final String key = keysByVariable.get(variable.getKey());
            if (key != null) {
                target.put(key, variable.getValue().trim());
                fromEnvironment.add(key);
                matched.add(variable.getKey());
            }
        }
        matched.forEach(variables::remove);
    }

    private static Map<String, String> keysByVariable(final Set<String> keys) {
        final Map<String, String> byVariable = new HashMap<>();
        for (final String key : keys) {
            final String variable = environmentVariable(key);
            final String other = byVariable.putIfAbsent(variable, key);
            if (other != null && !other.equals(key)) {
                // NOTE: two keys that differ only in '.' versus '-' share a variable; neither can be set from it.
                LOG.warn("Environment variable {} matches both {} and {}; it sets neither", variable, other, key);
                byVariable.put(variable, null);
            }
        }
        byVariable.values().removeIf(Objects::isNull);
        return byVariable;
    }

    private Set<String> namedVariables(final Map<String, String> permwatch) {
        final Set<String> names = new TreeSet<>();
        for (final String key : variableNameKeys) {
            final String name = permwatch.get(key);
            if (name != null && !name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static Set<String> referencedVariables(final Iterable<String> values) {
        final Set<String> names = new TreeSet<>();
        for (final String value : values) {
            final Matcher matcher = ENV_REFERENCE.matcher(value);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    private static Map<String, String> variablesWithPrefix(final Map<String, String> env, final String prefix) {
        final Map<String, String> variables = new TreeMap<>();
        for (final Map.Entry<String, String> variable : env.entrySet()) {
            if (variable.getKey().startsWith(prefix)) {
                variables.put(variable.getKey(), variable.getValue());
            }
        }
        return variables;
    }

    private void warnAboutLiteralSecrets(final Map<String, String> client, final Set<String> fromEnvironment,
                                         final String origin) {
        for (final String key : literalSecretKeys(client, fromEnvironment)) {
            if (clientKeys.isSecret(key)) {
                LOG.warn("Key {} in {} contains a literal secret. Set it from the environment variable {} or write"
                        + " a config provider reference such as ${env:NAME} or ${file:/path:key}",
                        key, origin, environmentVariable(key));
            } else {
                LOG.warn("Key {} in {} contains a password in a URL. Set basic.auth.credentials.source=USER_INFO and"
                        + " basic.auth.user.info from the environment variable {}", key, origin,
                        environmentVariable("basic.auth.user.info"));
            }
        }
    }

    /**
     * Returns the client keys whose file value is a literal secret: a secret key not set from the
     * environment and not a config provider reference, or a registry URL with a password in it.
     */
    List<String> literalSecretKeys(final Map<String, String> client, final Set<String> fromEnvironment) {
        final List<String> keys = new ArrayList<>();
        for (final Map.Entry<String, String> entry : client.entrySet()) {
            final String key = entry.getKey();
            final String value = entry.getValue();
            if (fromEnvironment.contains(key) || value.isEmpty() || isProviderReference(value)) {
                continue;
            }
            if (clientKeys.isSecret(key)
                    || key.endsWith("registry.url") && !UrlRedaction.redactUserInfo(value).equals(value)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static boolean isProviderReference(final String value) {
        return value.startsWith("${") && value.endsWith("}");
    }
}
