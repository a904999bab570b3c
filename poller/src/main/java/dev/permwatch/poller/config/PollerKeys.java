package dev.permwatch.poller.config;

import dev.permwatch.config.ClientKeys;
import dev.permwatch.config.ConfigKey;
import dev.permwatch.config.ConfigLoader;
import dev.permwatch.ops.OpsSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.permwatch.poller.config.PollerConfig.*;

/**
 * Key registry of the poller: every permwatch key with type, unit, default and description. The
 * {@code --help} output, the unknown-key check of {@link PollerConfig} and the key table in
 * docs/configuration.md all come from this list.
 */
public final class PollerKeys {

    /** Stands for a source name in per-source keys. */
    public static final String SOURCE_PLACEHOLDER = "<name>";

    private static final List<ConfigKey> GLOBAL = List.of(
            new ConfigKey(SOURCES, "list", "", "required",
                    "Comma-separated source names: letters, digits, '-' and '_'. Each needs the per-source keys below."),
            new ConfigKey(BASE_URL, "URL", "", DEFAULT_BASE_URL,
                    "Cloudflare API root. Must be https unless the host is loopback (tests, the demo server). TLS"
                            + " certificates are always checked, and no key turns that off."),
            new ConfigKey(TOKEN_ENV, "string", "", DEFAULT_TOKEN_ENV,
                    "Environment variable that contains the API token."),
            new ConfigKey(TOKEN_FILE, "path", "", "none",
                    "File that contains only the API token (surrounding whitespace is trimmed), for example a Docker"
                            + " or Kubernetes secret. Set at most one of token.env and token.file. The token is never"
                            + " read from an argument and never logged."),
            new ConfigKey(TOPIC_SNAPSHOTS, "topic", "", DEFAULT_TOPIC_SNAPSHOTS,
                    "Topic the snapshots are written to."),
            new ConfigKey(TOPIC_POLL_STATUS, "topic", "", DEFAULT_TOPIC_POLL_STATUS,
                    "Topic that gets one PollStatus record per poll, accepted or failed."),
            new ConfigKey(TOPIC_ALERTS, "topic", "", DEFAULT_TOPIC_ALERTS,
                    "Topic for SOURCE_UNHEALTHY and SOURCE_RECOVERED alerts."),
            new ConfigKey(RETRY_MAX_ATTEMPTS, "integer", "requests", String.valueOf(DEFAULT_RETRY_MAX_ATTEMPTS),
                    "HTTP requests per poll, the first included, from 1 to 10. Only HTTP 5xx, HTTP 429, timeouts"
                            + " and broken connections are retried; an authorization failure, another 4xx, a TLS"
                            + " failure or invalid content ends the poll at once."),
            new ConfigKey(RETRY_INITIAL_BACKOFF_MS, "integer", "milliseconds",
                    String.valueOf(DEFAULT_RETRY_INITIAL_BACKOFF_MS),
                    "Upper bound of the random wait before the first retry (full jitter). It doubles with each"
                            + " further retry."),
            new ConfigKey(RETRY_MAX_BACKOFF_MS, "integer", "milliseconds", String.valueOf(DEFAULT_RETRY_MAX_BACKOFF_MS),
                    "Upper bound of any wait between attempts, at least the initial backoff. An HTTP 429 whose"
                            + " retry-after is longer ends the poll and parks the token."),
            new ConfigKey(RATE_LIMIT_REQUESTS_PER_WINDOW, "integer", "requests",
                    String.valueOf(DEFAULT_RATE_LIMIT_REQUESTS_PER_WINDOW),
                    "Requests Cloudflare allows the token's user per window, shared with the dashboard and all its"
                            + " other API clients."),
            new ConfigKey(RATE_LIMIT_WINDOW_SECONDS, "integer", "seconds",
                    String.valueOf(DEFAULT_RATE_LIMIT_WINDOW_SECONDS), "Length of the sliding rate-limit window."),
            new ConfigKey(RATE_LIMIT_SHARE, "decimal", "fraction", String.valueOf(DEFAULT_RATE_LIMIT_SHARE),
                    "Fraction of the user's requests per window this poller may send, above 0 and at most 1 (the"
                            + " default allows 120 requests per 5 minutes for all sources using one token). A request"
                            + " over it is not sent and the poll fails: reason RATE_LIMITED in poll-status, LOCAL_REQUEST_BUDGET in"
                            + " the metrics."),
            new ConfigKey(HEALTH_FAILURE_THRESHOLD, "integer", "polls", String.valueOf(DEFAULT_HEALTH_FAILURE_THRESHOLD),
                    "Failed polls in a row after which a source is unhealthy and one SOURCE_UNHEALTHY alert is"
                            + " written, from 1 to 1000."),
            new ConfigKey(HTTP_CONNECT_TIMEOUT_MS, "integer", "milliseconds", String.valueOf(DEFAULT_CONNECT_TIMEOUT_MS),
                    "TCP and TLS connect timeout."),
            new ConfigKey(HTTP_REQUEST_TIMEOUT_MS, "integer", "milliseconds", String.valueOf(DEFAULT_REQUEST_TIMEOUT_MS),
                    "Time from sending the request to reading the whole body."),
            new ConfigKey(HTTP_MAX_BODY_BYTES, "integer", "bytes", String.valueOf(DEFAULT_MAX_BODY_BYTES),
                    "Maximum response body size (default 8 MiB), at most 256 MiB. Reading stops past it and the"
                            + " poll fails."),
            new ConfigKey(OpsSettings.ENABLED, "boolean", "", "true",
                    "Whether the metrics and health endpoint runs (/metrics, /health/live, /health/ready)."),
            new ConfigKey(OpsSettings.PORT, "integer", "port", String.valueOf(OpsSettings.DEFAULT_POLLER_PORT),
                    "TCP port of the metrics and health endpoint; 0 picks a free port, -1 turns the endpoint off."),
            new ConfigKey(OpsSettings.BIND_ADDRESS, "string", "", OpsSettings.DEFAULT_BIND_ADDRESS,
                    "Address the endpoint listens on. The default, every interface, lets a scraper in another"
                            + " container reach it; the endpoint has no authentication."));

    private static final List<ConfigKey> PER_SOURCE = List.of(
            new ConfigKey(SourceParser.key(SOURCE_PLACEHOLDER, SourceParser.ENDPOINT), "enum", "", "required",
                    "user polls /user/tokens/permission_groups; account polls"
                            + " /accounts/<id>/tokens/permission_groups."),
            new ConfigKey(SourceParser.key(SOURCE_PLACEHOLDER, SourceParser.ACCOUNT_ID), "string", "",
                    "required for account", "Cloudflare account id: 32 lowercase hex characters."),
            new ConfigKey(SourceParser.key(SOURCE_PLACEHOLDER, SourceParser.INTERVAL), "duration", "", "none",
                    "Time between polls: ISO-8601 (PT15M) or a number with unit s, m, h or d (15m); at least 10s."
                            + " Set exactly one of interval and cron. The first poll runs at start."),
            new ConfigKey(SourceParser.key(SOURCE_PLACEHOLDER, SourceParser.CRON), "cron", "", "none",
                    "Quartz cron expression, seconds field first, evaluated in UTC (0 0/15 * * * ?); fires at"
                            + " least 10s apart. The first poll runs at start."));

    private PollerKeys() {
    }

    /** Returns every permwatch key, per-source keys last with {@value #SOURCE_PLACEHOLDER} for the source name. */
    public static List<ConfigKey> all() {
        final List<ConfigKey> keys = new ArrayList<>(GLOBAL);
        keys.addAll(PER_SOURCE);
        return List.copyOf(keys);
    }

    /** Returns the names of the keys that do not depend on a source. */
    static Set<String> globalKeyNames() {
        final Set<String> names = new TreeSet<>();
        GLOBAL.forEach(key -> names.add(key.name()));
        return Set.copyOf(names);
    }

    /**
     * Returns every permwatch key name for the sources listed in {@code entries}; an invalid
     * source list gives the global keys only, and {@link PollerConfig} reports it.
     */
    public static Set<String> keyNames(final Map<String, String> entries) {
        final Set<String> names = new TreeSet<>(globalKeyNames());
        final String sources = entries.get(SOURCES);
        if (sources == null) {
            return names;
        }
        for (final String part : sources.split(",")) {
            final String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            for (final String suffix : SourceParser.SUFFIXES) {
                names.add(SourceParser.key(name, suffix));
            }
        }
        return names;
    }

    /** Returns the loader for poller files: permwatch keys above, producer and serializer keys beside them. */
    public static ConfigLoader loader() {
        return new ConfigLoader(ClientKeys.producer(), PollerKeys::keyNames, Set.of(TOKEN_ENV));
    }
}
