package dev.permwatch.local.cli;

import dev.permwatch.local.eos.ExactlyOnceRun;
import dev.permwatch.local.eos.RunResult;
import dev.permwatch.local.eos.SeriesGenerator;
import dev.permwatch.local.replay.WorkDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code permwatch eos-check}: the exactly-once check under hard kills, broker restarts and state loss. */
@Command(name = "eos-check",
        mixinStandardHelpOptions = true,
        description = {
            "Plays a generated series of permission-group lists through the real poller, an embedded Kafka broker"
                    + " and the streams app running in child JVMs, while the streams app is killed with SIGKILL at"
                    + " random moments and restarted, its state folder is deleted before some restarts, and the"
                    + " broker is restarted in place. Then reads the changes and catalog topics with read_committed"
                    + " and compares them with an independent computation of the expected change events: each"
                    + " exactly once, nothing extra, order per group key kept, catalog equal to the last snapshot.",
            "With --instances 2, two instances run with standby replicas and the second is killed in the middle of"
                    + " the run and left down; the first must take over its partitions.",
            "Prints progress lines and the result. Kills and restarts are logged with the process id."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Every expected change event was read exactly once, in order, and the catalog matches.",
            "1:Kafka, a poll or the streams app failed or timed out.",
            "2:Invalid option value or corpus folder.",
            "5:Change events or the catalog differ from the expected ones."})
final class EosCheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR",
            description = "Folder of recorded API responses (JSON bodies as the API returns them) that the series is"
                    + " generated from.")
    private Path corpus;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "200",
            description = "Polls per source (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--sources", paramLabel = "N", defaultValue = "4",
            description = "Sources polled at each step (default: ${DEFAULT-VALUE}).")
    private int sources;

    @Option(names = "--kills", paramLabel = "N", defaultValue = "20",
            description = "SIGKILLs of a streams-app instance, each followed by a restart on the same state folder"
                    + " (default: ${DEFAULT-VALUE}).")
    private int kills;

    @Option(names = "--broker-restarts", paramLabel = "N", defaultValue = "1",
            description = "Restarts of the Kafka broker on the same data folder and port (default: ${DEFAULT-VALUE}).")
    private int brokerRestarts;

    @Option(names = "--state-wipes", paramLabel = "N", defaultValue = "2",
            description = "SIGKILLs followed by deleting the instance's state folder before the restart"
                    + " (default: ${DEFAULT-VALUE}).")
    private int stateWipes;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "1",
            description = "Streams-app instances, 1 or 2; with 2, num.standby.replicas is 1 and the second instance"
                    + " is killed mid-run and left down (default: ${DEFAULT-VALUE}).")
    private int instances;

    @Option(names = "--duplicate-every", paramLabel = "N", defaultValue = "10",
            description = "Re-send each source's last snapshot every N steps, as a poller that crashed after writing"
                    + " would; 0 = never (default: ${DEFAULT-VALUE}).")
    private int duplicateEvery;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the series, the fault plan and the pauses (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--keep-data",
            description = "Keep the data folder (broker data, kafka.log, each instance's state and log) after a passing"
                    + " run too; a failed run always keeps it.")
    private boolean keepData;

    @Override
    public Integer call() throws Exception {
        validateOptions();
        final Path workDir = createWorkDir();
        LogSetup.useLogDir(workDir, false);
        final PrintStream out = System.out;
        out.println("eos-check: steps " + steps + ", sources " + sources + ", kills " + kills + ", broker restarts "
                + brokerRestarts + ", state wipes " + stateWipes + ", instances " + instances + ", seed " + seed
                + ", recorded lists in " + corpus.toAbsolutePath().normalize() + ", data in " + workDir);

        final RunResult result;
        try {
            final ExactlyOnceRun.Settings settings = new ExactlyOnceRun.Settings(corpus, workDir, steps, sources, kills,
                    brokerRestarts, stateWipes, instances, instances == 2 ? 1 : 0, duplicateEvery, seed);
            result = new ExactlyOnceRun(settings, out).run();
        } catch (final IllegalArgumentException e) {
            WorkDirs.deleteRecursively(workDir);
            throw e;
        } catch (final RuntimeException e) {
            System.err.println("permwatch eos-check: Kafka data and logs kept in " + workDir + " for inspection");
            throw e;
        }

        out.println(result.describe());
        if (!result.passed()) {
            out.println("eos-check: Kafka data and logs kept in " + workDir + " for inspection");
            return PermwatchCli.EXIT_NOT_EXACTLY_ONCE;
        }
        if (keepData) {
            out.println("eos-check: data kept in " + workDir);
        } else {
            WorkDirs.deleteRecursively(workDir);
        }
        return PermwatchCli.EXIT_OK;
    }

    /**
     * Checks the options before anything starts, naming each option as the user wrote it.
     *
     * @throws IllegalArgumentException on the first invalid option, which the command reports as a usage error
     */
    private void validateOptions() {
        requireAtLeast("--steps", steps, 2, "a baseline and at least one later snapshot");
        if (sources < 1 || sources > SeriesGenerator.MAX_SOURCES) {
            throw new IllegalArgumentException("Invalid --sources " + sources + ": expected 1 to "
                    + SeriesGenerator.MAX_SOURCES);
        }
        requireAtLeast("--kills", kills, 0, "0 for none");
        requireAtLeast("--broker-restarts", brokerRestarts, 0, "0 for none");
        requireAtLeast("--state-wipes", stateWipes, 0, "0 for none");
        requireAtLeast("--duplicate-every", duplicateEvery, 0, "0 for never");
        if (instances != 1 && instances != 2) {
            throw new IllegalArgumentException("Invalid --instances " + instances + ": expected 1 or 2");
        }
        // Faults strike at steps spread over the series, one per step, so each hits a running pipeline.
        final int faults = kills + stateWipes + brokerRestarts;
        if (faults > steps - 1) {
            throw new IllegalArgumentException("Too many faults for " + steps + " steps: --kills " + kills
                    + ", --state-wipes " + stateWipes + " and --broker-restarts " + brokerRestarts + " add up to "
                    + faults + ", at most " + (steps - 1) + " fit, one per step after the baseline."
                    + " Raise --steps or lower the fault counts");
        }
        if (Files.isRegularFile(corpus)) {
            throw new IllegalArgumentException("Invalid DIR " + corpus + ": it is a file, expected the folder"
                    + " that contains the recorded responses");
        }
    }

    private static void requireAtLeast(final String option, final int value, final int min, final String hint) {
        if (value < min) {
            throw new IllegalArgumentException("Invalid " + option + " " + value + ": expected " + min
                    + " or more (" + hint + ")");
        }
    }

    /**
     * Creates the data folder below {@code java.io.tmpdir}.
     *
     * @throws IllegalArgumentException if it cannot be created, which the command reports as a usage error
     */
    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("permwatch-eos-check-");
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot create the data folder in " + System.getProperty("java.io.tmpdir")
                    + " (java.io.tmpdir): " + e + ". Point java.io.tmpdir at a writable folder,"
                    + " for example with JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=/var/tmp", e);
        }
    }
}
