package dev.permwatch.local.eos;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffOutcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the exactly-once check with each kind of fault on a short series. Each test starts its own
 * broker and streams-app JVMs, so the faults of one cannot leak into another.
 */
class ExactlyOnceRunTest {

    private static final int SOURCES = 4;

    @TempDir
    Path workDir;

    @TempDir
    Path referenceStateDir;

    @Test
    void hardKillsLoseAndRepeatNothing() {
        final ExactlyOnceRun.Observation observation = observe(40, 4, 0, 0, 1, 0, 7);

        assertThat(observation.faults().kills()).isEqualTo(4);
        assertThat(observation.faults().restarts()).isGreaterThanOrEqualTo(4);
        assertThat(observation.duplicatesSent()).as("re-sent snapshots").isEqualTo(5 * SOURCES);
        assertThat(observation.reportOutcomes()).containsKey(DiffOutcome.DUPLICATE_IGNORED);
        assertMatchesReference(observation, 40);
    }

    @Test
    void brokerRestartLosesAndRepeatsNothing() {
        final ExactlyOnceRun.Observation observation = observe(30, 0, 1, 0, 1, 0, 0);

        assertThat(observation.faults().brokerRestarts()).isEqualTo(1);
        assertThat(observation.faults().kills()).isZero();
        assertThat(observation.faults().unexpectedExits()).as("streams-app exits without a kill").isZero();
        assertMatchesReference(observation, 30);
    }

    @Test
    void stateLossEmitsNothingSpurious() {
        final ExactlyOnceRun.Observation observation = observe(30, 0, 0, 2, 1, 0, 0);

        assertThat(observation.faults().stateWipes()).isEqualTo(2);
        assertThat(observation.faults().kills()).isEqualTo(2);
        assertMatchesReference(observation, 30);
    }

    @Test
    void standbyTakesOverKilledInstance() {
        final ExactlyOnceRun.Observation observation = observe(30, 0, 0, 0, 2, 1, 0);

        assertThat(observation.partitions()).isEqualTo(4);
        assertThat(observation.faults().failovers()).isEqualTo(1);
        final List<Integer> taken = observation.faults().failoverPartitions();
        assertThat(taken).as("snapshot partitions of the killed instance").isNotEmpty();
        assertThat(observation.snapshotRecords()).as("snapshots written to the killed instance's partitions")
                .anyMatch(record -> taken.contains(record.partition()));
        assertMatchesReference(observation, 30);
    }

    private ExactlyOnceRun.Observation observe(final int steps, final int kills, final int brokerRestarts,
                                               final int stateWipes, final int instances, final int standbyReplicas,
                                               final int duplicateEvery) {
        final Path corpus = corpusDir();
        assumeTrue(Files.isDirectory(corpus), "Recorded corpus not found at " + corpus
                + "; the exactly-once tests need the recorded permission-group lists");
        final ExactlyOnceRun.Settings settings = new ExactlyOnceRun.Settings(corpus, workDir, steps, SOURCES, kills,
                brokerRestarts, stateWipes, instances, standbyReplicas, duplicateEvery, 7);
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        return new ExactlyOnceRun(settings, new PrintStream(progress, true, StandardCharsets.UTF_8))
                .observe(StandInSeries.sources(corpus, SOURCES));
    }

    private void assertMatchesReference(final ExactlyOnceRun.Observation observation, final int steps) {
        assertThat(observation.snapshotIdsPerStep()).hasSize(SOURCES);
        observation.snapshotIdsPerStep().values()
                .forEach(ids -> assertThat(ids).as("snapshots per source").hasSize(steps).doesNotHaveDuplicates());
        assertThat(observation.diffReports()).as("one diff report per snapshot written")
                .isEqualTo(observation.snapshotsWritten());

        final ReferenceOutput.Expected expected = ReferenceOutput.compute(observation.snapshotRecords(),
                referenceStateDir);
        assertThat(expected.changes()).as("reference change events").isNotEmpty();

        final Map<String, List<String>> actualPerKey = new LinkedHashMap<>();
        for (final ConsumerRecord<String, ChangeEvent> record : observation.changes()) {
            actualPerKey.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(view(record.value()));
        }
        final Map<String, List<String>> expectedPerKey = new LinkedHashMap<>();
        for (final KeyValue<String, ChangeEvent> record : expected.changes()) {
            expectedPerKey.computeIfAbsent(record.key, key -> new ArrayList<>()).add(view(record.value));
        }
        assertThat(observation.changes()).as("change event count").hasSize(expected.changes().size());
        assertThat(actualPerKey).as("change events per group key, in order").isEqualTo(expectedPerKey);
        assertThat(observation.catalog()).as("catalog").isEqualTo(expected.catalog());
    }

    /** Compares all fields except detectedAt, the wall-clock time of processing. */
    private static String view(final ChangeEvent event) {
        return event.getEventId() + " " + event.getType() + " " + event.getPermissionId() + " "
                + event.getChangedFields() + " before=" + event.getBefore() + " after=" + event.getAfter()
                + " snapshot=" + event.getSnapshotId() + " previous=" + event.getPreviousSnapshotId();
    }

    private static Path corpusDir() {
        // Surefire runs in the module folder; the recorded lists sit next to the repository root.
        return Path.of("").toAbsolutePath().getParent().getParent()
                .resolve("shared").resolve("corpus").resolve("cloudflare-permission-groups");
    }
}
