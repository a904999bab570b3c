package dev.permwatch.streams;

import java.time.Clock;
import java.util.Objects;

/**
 * Topic names, state store name, baseline option and clock of the permwatch topology.
 *
 * @param snapshotsTopic    input topic: key source key, value Snapshot
 * @param changesTopic      output topic: key group key, value ChangeEvent, append-only
 * @param catalogTopic      output topic: key group key, value CatalogEntry, compacted, tombstone on removal
 * @param diffReportsTopic  output topic: key source key, value DiffReport, one per processed snapshot
 * @param storeName         name of the persistent store with the last known state of each source.
 *                          Renaming it on a running deployment starts every source from a new baseline.
 * @param emitBaselineAdded whether the first snapshot of a source emits ADDED for every group
 * @param clock             source of {@code detectedAt} and {@code processedAt}
 */
public record TopologySettings(
        String snapshotsTopic,
        String changesTopic,
        String catalogTopic,
        String diffReportsTopic,
        String storeName,
        boolean emitBaselineAdded,
        Clock clock) {

    public static final String DEFAULT_SNAPSHOTS_TOPIC = "permwatch.snapshots";
    public static final String DEFAULT_CHANGES_TOPIC = "permwatch.changes";
    public static final String DEFAULT_CATALOG_TOPIC = "permwatch.catalog";
    public static final String DEFAULT_DIFF_REPORTS_TOPIC = "permwatch.diff-reports";
    public static final String DEFAULT_STORE_NAME = "permwatch-last-snapshot";

    public TopologySettings {
        requireName(snapshotsTopic, "snapshotsTopic");
        requireName(changesTopic, "changesTopic");
        requireName(catalogTopic, "catalogTopic");
        requireName(diffReportsTopic, "diffReportsTopic");
        requireName(storeName, "storeName");
        Objects.requireNonNull(clock, "clock");
    }

    /** Returns the default topics and store, no baseline events and the system UTC clock. */
    public static TopologySettings defaults() {
        return new TopologySettings(DEFAULT_SNAPSHOTS_TOPIC, DEFAULT_CHANGES_TOPIC, DEFAULT_CATALOG_TOPIC,
                DEFAULT_DIFF_REPORTS_TOPIC, DEFAULT_STORE_NAME, false, Clock.systemUTC());
    }

    public TopologySettings withEmitBaselineAdded(final boolean emit) {
        return new TopologySettings(snapshotsTopic, changesTopic, catalogTopic, diffReportsTopic, storeName, emit,
                clock);
    }

    public TopologySettings withClock(final Clock newClock) {
        return new TopologySettings(snapshotsTopic, changesTopic, catalogTopic, diffReportsTopic, storeName,
                emitBaselineAdded, newClock);
    }

    private static void requireName(final String value, final String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing " + field + ": expected a non-blank name");
        }
    }
}
