package dev.permwatch.local.cli;

import dev.permwatch.local.replay.WorkDirs;
import dev.permwatch.local.soak.FaultInjectionSoak;
import dev.permwatch.local.soak.SoakResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code permwatch soak}: the fault-injection soak over recorded lists. */
@Command(name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "Plays recorded permission-group lists to two sources through the real poller, an embedded Kafka"
                    + " broker and the streams app, with faults injected into the polls of one source (HTTP 5xx and"
                    + " 429, timeouts, broken connections, invalid and partial lists), and checks that both sources"
                    + " get the same change events.",
            "Prints the counts: polls, faults by kind, accepted snapshots, events of each source, equal yes/no,"
                    + " duration. Polls run back to back on a simulated clock, not on a schedule."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The change events of both sources are equal.",
            "1:Kafka or the streams app failed or timed out.",
            "2:Invalid option value or corpus folder.",
            "4:The change events differ."})
final class SoakCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR",
            description = "Folder of recorded API responses (JSON bodies as the API returns them), played in name"
                    + " order.")
    private Path corpus;

    @Option(names = "--polls", paramLabel = "N", defaultValue = "10000",
            description = "Polls per source (default: ${DEFAULT-VALUE}).")
    private int polls;

    @Option(names = "--fault-rate", paramLabel = "SHARE", defaultValue = "0.3",
            description = "Share of the faulty source's polls that get a fault, 0 to 1 (default: ${DEFAULT-VALUE}).")
    private double faultRate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the fault plan; the same seed repeats the same faults (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--block-length", paramLabel = "N", defaultValue = "10",
            description = "Polls that each recorded list is served for, at least 4 (default: ${DEFAULT-VALUE}).")
    private int blockLength;

    @Override
    public Integer call() throws Exception {
        final Path workDir = Files.createTempDirectory("permwatch-soak-");
        LogSetup.useLogDir(workDir, false);
        final PrintStream out = System.out;
        out.println("soak: " + polls + " polls per source, fault rate " + faultRate + ", seed " + seed
                + ", recorded lists in " + corpus.toAbsolutePath().normalize());

        final SoakResult result;
        try {
            result = new FaultInjectionSoak(new FaultInjectionSoak.Settings(corpus, workDir, polls, faultRate, seed,
                    blockLength), out).run();
        } catch (final IllegalArgumentException e) {
            WorkDirs.deleteRecursively(workDir);
            throw e;
        } catch (final RuntimeException e) {
            System.err.println("permwatch soak: Kafka data and kafka.log kept in " + workDir + " for inspection");
            throw e;
        }
        WorkDirs.deleteRecursively(workDir);

        out.println(result.describe());
        return result.equal() ? PermwatchCli.EXIT_OK : PermwatchCli.EXIT_EVENTS_DIFFER;
    }
}
