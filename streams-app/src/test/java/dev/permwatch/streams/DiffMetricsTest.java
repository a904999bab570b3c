package dev.permwatch.streams;

import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceKind;
import dev.permwatch.ops.OpsMeters;
import dev.permwatch.streams.diff.RemovalPolicy;
import dev.permwatch.streams.metrics.DiffMetrics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import static dev.permwatch.streams.TestSnapshots.idAndName;
import static dev.permwatch.streams.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

class DiffMetricsTest {

    private static final Source USER = new Source(SourceKind.USER, null);
    private static final String APP = "application=\"permwatch-streams\"";

    @TempDir
    Path stateDir;

    private OpsMeters meters;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        meters = new OpsMeters("permwatch-streams");
        // Two confirmations and a guard of one group, so that dropping two groups at once is held.
        final TopologySettings settings = TopologySettings.defaults()
                .withRemovalPolicy(new RemovalPolicy(2, 0.0, 1));
        harness = new TopologyHarness(settings, "diff-metrics-" + UUID.randomUUID(), stateDir,
                StreamsConfig.AT_LEAST_ONCE, new DiffMetrics(meters.registry()));
    }

    @AfterEach
    void stop() {
        harness.close();
        meters.close();
    }

    @Test
    void countsChangesOutcomesAndDeadLetters() {
        final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        harness.pipe(snapshot(USER, t0, idAndName("a", "A"), idAndName("b", "B"), idAndName("c", "C")));
        harness.pipe(snapshot(USER, t0.plusSeconds(60), idAndName("a", "A renamed"), idAndName("b", "B"),
                idAndName("c", "C"), idAndName("d", "D")));
        harness.pipe(snapshot(USER, t0.plusSeconds(10), idAndName("a", "A")));
        harness.pipeRaw("user".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 1, 2},
                new RecordHeaders());

        final String metrics = meters.registry().scrape();

        assertThat(metrics).contains("permwatch_changes_total{" + APP + ",source=\"user\",type=\"RENAMED\"} 1.0");
        assertThat(metrics).contains("permwatch_changes_total{" + APP + ",source=\"user\",type=\"ADDED\"} 1.0");
        assertThat(metrics).contains("permwatch_snapshots_processed_total{" + APP
                + ",outcome=\"BASELINE\",source=\"user\"} 1.0");
        assertThat(metrics).contains("permwatch_snapshots_processed_total{" + APP
                + ",outcome=\"DIFFED\",source=\"user\"} 1.0");
        assertThat(metrics).contains("permwatch_snapshots_processed_total{" + APP
                + ",outcome=\"STALE_IGNORED\",source=\"user\"} 1.0");
        assertThat(metrics).contains("permwatch_dead_letters_total{" + APP
                + ",handler=\"deserialization\",topic=\"permwatch.snapshots\"} 1.0");
        assertThat(metrics).contains("permwatch_removals_held{" + APP + ",source=\"user\"} 0.0");
    }

    @Test
    void heldRemovalsShowInGaugeAndAlerts() {
        final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        harness.pipe(snapshot(USER, t0, idAndName("a", "A"), idAndName("b", "B"), idAndName("c", "C")));
        harness.pipe(snapshot(USER, t0.plusSeconds(60), idAndName("a", "A")));

        final String metrics = meters.registry().scrape();

        assertThat(harness.readAlerts()).isNotEmpty();
        assertThat(metrics).contains("permwatch_removals_held{" + APP + ",source=\"user\"} 2.0");
        assertThat(metrics).contains("permwatch_alerts_total{" + APP + ",kind=\"REMOVALS_HELD\",source=\"user\"} 1.0");
        assertThat(metrics).doesNotContain("type=\"REMOVED\"");
    }

    @Test
    void rejectedSnapshotCountsAsProcessingDeadLetter() {
        final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        harness.pipe("account:0123456789abcdef0123456789abcdef", snapshot(USER, t0, idAndName("a", "A")));

        final String metrics = meters.registry().scrape();

        assertThat(metrics).contains("permwatch_dead_letters_total{" + APP
                + ",handler=\"processing\",topic=\"permwatch.snapshots\"} 1.0");
        assertThat(harness.readDeadLetters()).hasSize(1);
    }
}
