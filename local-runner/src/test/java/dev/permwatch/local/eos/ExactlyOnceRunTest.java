package dev.permwatch.local.eos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the exactly-once check with each kind of fault on a short generated series and compares
 * the output with the independent oracle. Each test starts its own broker and streams-app JVMs,
 * so the faults of one cannot leak into another.
 */
class ExactlyOnceRunTest {

    private static final int SOURCES = 4;

    @TempDir
    Path workDir;

    @Test
    void hardKillsLoseAndRepeatNothing() {
        final RunResult result = run(40, 4, 0, 0, 1, 7);

        assertThat(result.faults().kills()).isEqualTo(4);
        assertThat(result.faults().restarts()).isGreaterThanOrEqualTo(4);
        assertThat(result.duplicatesSent()).as("re-sent snapshots").isEqualTo(5 * SOURCES);
        assertThat(result.snapshotsWritten()).isEqualTo(40 * SOURCES + 5 * SOURCES);
        assertPassed(result);
    }

    @Test
    void brokerRestartLosesAndRepeatsNothing() {
        final RunResult result = run(30, 0, 1, 0, 1, 0);

        assertThat(result.faults().brokerRestarts()).isEqualTo(1);
        assertThat(result.faults().kills()).isZero();
        assertThat(result.faults().unexpectedExits()).as("streams-app exits without a kill").isZero();
        assertPassed(result);
    }

    @Test
    void stateLossEmitsNothingSpurious() {
        final RunResult result = run(30, 0, 0, 2, 1, 0);

        assertThat(result.faults().stateWipes()).isEqualTo(2);
        assertThat(result.faults().kills()).isEqualTo(2);
        assertPassed(result);
    }

    @Test
    void standbyTakesOverKilledInstance() {
        final RunResult result = run(30, 0, 0, 0, 2, 0);

        assertThat(result.faults().failovers()).isEqualTo(1);
        assertThat(result.faults().failoverPartitions()).as("snapshot partitions of the killed instance")
                .isNotEmpty();
        assertThat(result.takenOverSnapshots()).as("snapshots the surviving instance had to take over")
                .isPositive();
        assertPassed(result);
    }

    private RunResult run(final int steps, final int kills, final int brokerRestarts, final int stateWipes,
                          final int instances, final int duplicateEvery) {
        final Path corpus = SeriesFixtures.corpusDir();
        assumeTrue(Files.isDirectory(corpus), "Recorded corpus not found at " + corpus
                + "; the exactly-once tests need the recorded permission-group lists");
        final ExactlyOnceRun.Settings settings = new ExactlyOnceRun.Settings(corpus, workDir, steps, SOURCES, kills,
                brokerRestarts, stateWipes, instances, instances == 2 ? 1 : 0, duplicateEvery, 7);
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        final RunResult result = new ExactlyOnceRun(settings, new PrintStream(progress, true, StandardCharsets.UTF_8))
                .run();
        System.out.println(result.describe());
        return result;
    }

    private static void assertPassed(final RunResult result) {
        assertThat(result.expectedEvents()).as("expected change events").isPositive();
        assertThat(result.diffReports()).as("one diff report per snapshot written")
                .isEqualTo(result.snapshotsWritten());
        assertThat(result.actualEvents()).as("change events read").isEqualTo(result.expectedEvents());
        assertThat(result.passed()).as(result.summary()).isTrue();
    }
}
