package dev.permwatch.local.stack;

import dev.permwatch.streams.StreamsConfigFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Removal settings of the streams app chosen on the command line. A null field keeps the streams
 * app's default (two confirmations, shrink guard at 10% or 25 groups); the streams app checks the
 * values when it starts.
 *
 * @param confirmations consecutive accepted snapshots a group must be absent from before it is
 *                      removed ({@code permwatch.removal.confirmations}); null for the default
 * @param maxShare      share of the catalog, 0 to 1, that one snapshot may make newly absent before
 *                      its removals are held ({@code permwatch.shrink-guard.max-share}); null for the default
 * @param maxCount      number of groups one snapshot may make newly absent before its removals
 *                      are held ({@code permwatch.shrink-guard.max-count}); null for the default
 */
public record RemovalSettings(Integer confirmations, Double maxShare, Integer maxCount) {

    /** Returns settings that keep every streams app default. */
    public static RemovalSettings defaults() {
        return new RemovalSettings(null, null, null);
    }

    /** Returns the streams app properties for the fields that are set. */
    public Map<String, String> toStreamsSettings() {
        final Map<String, String> settings = new LinkedHashMap<>();
        if (confirmations != null) {
            settings.put(StreamsConfigFactory.REMOVAL_CONFIRMATIONS, String.valueOf(confirmations));
        }
        if (maxShare != null) {
            settings.put(StreamsConfigFactory.SHRINK_GUARD_MAX_SHARE, String.valueOf(maxShare));
        }
        if (maxCount != null) {
            settings.put(StreamsConfigFactory.SHRINK_GUARD_MAX_COUNT, String.valueOf(maxCount));
        }
        return settings;
    }
}
