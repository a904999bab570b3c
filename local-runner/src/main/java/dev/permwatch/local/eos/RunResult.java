package dev.permwatch.local.eos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Outcome of an exactly-once run.
 *
 * @param steps               polls per source
 * @param sources             sources polled
 * @param instances           streams-app instances
 * @param faults              kills, restarts and their timings
 * @param snapshotsWritten    snapshot records written, re-sent duplicates included
 * @param duplicatesSent      snapshot records re-sent on purpose
 * @param takenOverSnapshots  snapshot records in the partitions the failed-over instance owned, which
 *                            the other instance had to process
 * @param diffReports         diff reports read; equal to {@code snapshotsWritten} when no snapshot was lost
 *                            or processed twice
 * @param expectedEvents      change events the oracle expects
 * @param actualEvents        change events read with {@code read_committed}
 * @param abortedChanges      change records of aborted transactions, which {@code read_committed} skipped
 * @param passed              whether the oracle passed and each snapshot got exactly one diff report
 * @param summary             the oracle's summary, naming the first differences when it failed
 * @param duration            wall-clock time of the whole run
 */
public record RunResult(int steps, int sources, int instances, FaultCounts faults, int snapshotsWritten,
                        int duplicatesSent, int takenOverSnapshots, int diffReports, int expectedEvents,
                        int actualEvents, int abortedChanges, boolean passed, String summary, Duration duration) {

    public RunResult {
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(duration, "duration");
    }

    /** Returns the result as lines for the console. */
    public String describe() {
        final List<String> lines = new ArrayList<>();
        lines.add("eos-check result:");
        lines.add("  steps " + steps + ", sources " + sources + ", streams-app instances " + instances);
        lines.add("  kills " + faults.kills() + ", restarts " + faults.restarts() + ", state wipes "
                + faults.stateWipes() + ", broker restarts " + faults.brokerRestarts() + ", failovers "
                + faults.failovers() + ", unexpected exits " + faults.unexpectedExits());
        lines.add("  restart to RUNNING: " + describeTimes(faults.restartTimes())
                + "; broker restart: " + describeTimes(faults.brokerRestartTimes()));
        if (faults.failovers() > 0) {
            lines.add("  snapshot partitions taken over: " + faults.failoverPartitions() + ", holding "
                    + takenOverSnapshots + " snapshot records");
        }
        lines.add("  snapshots written " + snapshotsWritten + " (" + duplicatesSent + " re-sent duplicates), diff reports "
                + diffReports);
        lines.add("  change events expected " + expectedEvents + ", read " + actualEvents
                + "; records of aborted transactions skipped " + abortedChanges);
        lines.add("  verdict: " + (passed ? "PASSED" : "FAILED") + " - " + summary);
        lines.add("  duration " + duration.toSeconds() + " s");
        return String.join(System.lineSeparator(), lines);
    }

    /** Returns the count, minimum, median and maximum of the durations in seconds, or "none measured". */
    static String describeTimes(final List<Duration> times) {
        if (times.isEmpty()) {
            return "none measured";
        }
        final List<Duration> sorted = times.stream().sorted().toList();
        return sorted.size() + " measured, min " + seconds(sorted.get(0)) + " s, median "
                + seconds(sorted.get(sorted.size() / 2)) + " s, max " + seconds(sorted.get(sorted.size() - 1)) + " s";
    }

    private static String seconds(final Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }
}
