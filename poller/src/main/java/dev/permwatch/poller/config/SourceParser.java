package dev.permwatch.poller.config;

import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses {@code permwatch.sources} and the {@code permwatch.source.<name>.*} keys. */
final class SourceParser {

    static final String PREFIX = "permwatch.source.";
    static final String ENDPOINT = "endpoint";
    static final String ACCOUNT_ID = "account.id";
    static final String INTERVAL = "interval";
    static final String CRON = "cron";
    static final List<String> SUFFIXES = List.of(ENDPOINT, ACCOUNT_ID, INTERVAL, CRON);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private SourceParser() {
    }

    /** Parses the comma-separated source names, in the order written. */
    static List<String> parseNames(final String text) {
        if (text == null || text.isBlank()) {
            throw new PollerConfigException(PollerConfig.SOURCES, "Missing " + PollerConfig.SOURCES
                    + ": list at least one source name, for example permwatch.sources=user and"
                    + " permwatch.source.user.endpoint=user");
        }
        final Set<String> names = new LinkedHashSet<>();
        for (final String part : text.split(",", -1)) {
            final String name = part.trim();
            if (!NAME.matcher(name).matches()) {
                throw new PollerConfigException(PollerConfig.SOURCES, "Invalid source name '" + name
                        + "' in " + PollerConfig.SOURCES + "='" + text + "': names are letters, digits,"
                        + " '-' and '_', separated by commas");
            }
            if (!names.add(name)) {
                throw new PollerConfigException(PollerConfig.SOURCES, "Source name '" + name
                        + "' is listed twice in " + PollerConfig.SOURCES + "='" + text + "': list each name once");
            }
        }
        return List.copyOf(names);
    }

    /** Parses every listed source and rejects two names for the same Cloudflare list. */
    static List<SourceConfig> parseSources(final List<String> names, final Map<String, String> entries) {
        final List<SourceConfig> sources = new ArrayList<>();
        final Map<String, String> nameBySourceKey = new HashMap<>();
        for (final String name : names) {
            final SourceConfig source = parseSource(name, entries);
            final String earlier = nameBySourceKey.putIfAbsent(source.sourceKey(), name);
            if (earlier != null) {
                throw new PollerConfigException(PollerConfig.SOURCES, "Sources '" + earlier + "' and '" + name
                        + "' both poll " + source.sourceKey() + ": two schedules for one list would write"
                        + " interleaved snapshots of the same source; remove one of them");
            }
            sources.add(source);
        }
        return List.copyOf(sources);
    }

    private static SourceConfig parseSource(final String name, final Map<String, String> entries) {
        final String endpointKey = key(name, ENDPOINT);
        final String accountKey = key(name, ACCOUNT_ID);
        final String endpoint = entries.get(endpointKey);
        final String accountId = entries.get(accountKey);

        final Source source;
        if (endpoint == null) {
            throw new PollerConfigException(endpointKey, "Missing " + endpointKey
                    + ": set it to user or account");
        }
        switch (endpoint.toLowerCase(Locale.ROOT)) {
            case "user" -> {
                if (accountId != null) {
                    throw new PollerConfigException(accountKey, accountKey + " is set but " + endpointKey
                            + " is user, which has no account: remove " + accountKey + " or set " + endpointKey + "=account");
                }
                source = Sources.user();
            }
            case "account" -> {
                if (accountId == null) {
                    throw new PollerConfigException(accountKey, "Missing " + accountKey + ": " + endpointKey
                            + " is account, so set the 32-character Cloudflare account id");
                }
                try {
                    source = Sources.account(accountId);
                } catch (final IllegalArgumentException e) {
                    throw new PollerConfigException(accountKey, "Invalid value for " + accountKey + ": " + e.getMessage(), e);
                }
            }
            default -> throw new PollerConfigException(endpointKey, "Invalid value '" + endpoint + "' for "
                    + endpointKey + ": expected user or account");
        }
        return new SourceConfig(name, source, parseSchedule(name, entries));
    }

    private static PollSchedule parseSchedule(final String name, final Map<String, String> entries) {
        final String intervalKey = key(name, INTERVAL);
        final String cronKey = key(name, CRON);
        final String interval = entries.get(intervalKey);
        final String cron = entries.get(cronKey);
        if (interval != null && cron != null) {
            throw new PollerConfigException(intervalKey, "Both " + intervalKey + " and " + cronKey
                    + " are set: keep exactly one");
        }
        if (interval != null) {
            return new PollSchedule.Interval(PollIntervals.parseInterval(intervalKey, interval));
        }
        if (cron != null) {
            return new PollSchedule.Cron(PollIntervals.checkCron(cronKey, cron));
        }
        throw new PollerConfigException(intervalKey, "Source '" + name + "' has no schedule: set "
                + intervalKey + " (for example 15m) or " + cronKey + " (for example '0 0/15 * * * ?')");
    }

    static String key(final String name, final String suffix) {
        return PREFIX + name + "." + suffix;
    }
}
