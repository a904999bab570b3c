package dev.permwatch.streams;

import dev.permwatch.streams.diff.RemovalPolicy;

import java.time.Clock;
import java.util.Objects;

/**
 * Topic names, state store name, options and clock of the permwatch topology.
 *
 * @param snapshotsTopic    input topic: key source key, value Snapshot
 * @param controlTopic      input topic: key source key, value OperatorCommand. It must have as many
 *                          partitions as the snapshots topic, so that a command reaches the task
 *                          that stores its source.
 * @param changesTopic      output topic: key group key, value ChangeEvent, append-only
 * @param catalogTopic      output topic: key group key, value CatalogEntry, compacted, tombstone on removal
 * @param diffReportsTopic  output topic: key source key, value DiffReport, one per processed snapshot
 * @param alertsTopic       output topic: key source key, value Alert
 * @param deadLetterTopic   output topic: input records that could not be processed, original bytes
 * @param storeName         name of the persistent store with the state of each source.
 *                          Renaming it on a running deployment starts every source from a new baseline.
 * @param emitBaselineAdded whether the first snapshot of a source emits ADDED for every group
 * @param removalPolicy     when a group absent from snapshots is removed
 * @param clock             source of {@code detectedAt}, {@code processedAt} and {@code raisedAt}
 */
public record TopologySettings(
        String snapshotsTopic,
        String controlTopic,
        String changesTopic,
        String catalogTopic,
        String diffReportsTopic,
        String alertsTopic,
        String deadLetterTopic,
        String storeName,
        boolean emitBaselineAdded,
        RemovalPolicy removalPolicy,
        Clock clock) {

    public static final String DEFAULT_SNAPSHOTS_TOPIC = "permwatch.snapshots";
    public static final String DEFAULT_CONTROL_TOPIC = "permwatch.control";
    public static final String DEFAULT_CHANGES_TOPIC = "permwatch.changes";
    public static final String DEFAULT_CATALOG_TOPIC = "permwatch.catalog";
    public static final String DEFAULT_DIFF_REPORTS_TOPIC = "permwatch.diff-reports";
    public static final String DEFAULT_ALERTS_TOPIC = "permwatch.alerts";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "permwatch.dead-letter";
    /**
     * Store of SourceState values. A deployment that ran with the earlier store of plain snapshots,
     * {@code permwatch-last-snapshot}, starts every source from a new baseline.
     */
    public static final String DEFAULT_STORE_NAME = "permwatch-source-state";

    public TopologySettings {
        requireName(snapshotsTopic, "snapshotsTopic");
        requireName(controlTopic, "controlTopic");
        requireName(changesTopic, "changesTopic");
        requireName(catalogTopic, "catalogTopic");
        requireName(diffReportsTopic, "diffReportsTopic");
        requireName(alertsTopic, "alertsTopic");
        requireName(deadLetterTopic, "deadLetterTopic");
        requireName(storeName, "storeName");
        Objects.requireNonNull(removalPolicy, "removalPolicy");
        Objects.requireNonNull(clock, "clock");
    }

    /** Returns the default topics and store, no baseline events, the default removal policy and the system UTC clock. */
    public static TopologySettings defaults() {
        return new TopologySettings(DEFAULT_SNAPSHOTS_TOPIC, DEFAULT_CONTROL_TOPIC, DEFAULT_CHANGES_TOPIC,
                DEFAULT_CATALOG_TOPIC, DEFAULT_DIFF_REPORTS_TOPIC, DEFAULT_ALERTS_TOPIC, DEFAULT_DEAD_LETTER_TOPIC,
                DEFAULT_STORE_NAME, false, RemovalPolicy.defaults(), Clock.systemUTC());
    }

    public TopologySettings withEmitBaselineAdded(final boolean emit) {
        return new TopologySettings(snapshotsTopic, controlTopic, changesTopic, catalogTopic, diffReportsTopic,
                alertsTopic, deadLetterTopic, storeName, emit, removalPolicy, clock);
    }

    public TopologySettings withRemovalPolicy(final RemovalPolicy policy) {
        return new TopologySettings(snapshotsTopic, controlTopic, changesTopic, catalogTopic, diffReportsTopic,
                alertsTopic, deadLetterTopic, storeName, emitBaselineAdded, policy, clock);
    }

    public TopologySettings withClock(final Clock newClock) {
        return new TopologySettings(snapshotsTopic, controlTopic, changesTopic, catalogTopic, diffReportsTopic,
                alertsTopic, deadLetterTopic, storeName, emitBaselineAdded, removalPolicy, newClock);
    }

    private static void requireName(final String value, final String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing " + field + ": expected a non-blank name");
        }
    }
}
