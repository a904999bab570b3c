package dev.permwatch.local.cli;

import dev.permwatch.avro.Source;
import dev.permwatch.local.replay.FolderListing;
import dev.permwatch.local.replay.Replay;
import dev.permwatch.local.replay.ReplayOptions;
import dev.permwatch.local.replay.ReplaySummary;
import dev.permwatch.local.replay.WorkDirs;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.schemas.Sources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code permwatch replay}: diffs a folder of recorded API responses into a JSON-lines file. */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replays recorded permission-group responses (JSON bodies exactly as the API returns them) through"
                    + " the poller's validation, a fresh embedded Kafka broker and the streams app, and writes"
                    + " every change event as one JSON object per line.",
            "Files are read in lexicographic order of name. The fetch time of a file is the first ISO-8601 date"
                    + " or date-time in its name (UTC unless an offset is given), else its modification time.",
            "A file that fails validation, or whose fetch time is more than 5 minutes after the current time, is"
                    + " reported on standard error with the reason and skipped. Hidden entries, folders and symbolic links whose"
                    + " target is missing are skipped and named in the summary. A file older than one replayed before"
                    + " it is ignored as stale by the streams app and reported with the newer file.",
            "Removals that are still waiting for more absences, or that the shrink guard holds, when the last file"
                    + " is diffed are counted at the end of the summary."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Every accepted file was diffed and its events written (rejected files are reported).",
            "1:Kafka or the streams app failed or timed out.",
            "2:Invalid usage: missing or empty folder, unwritable output or output inside the folder, invalid account id.",
            "3:No file passed validation, so nothing was diffed."})
final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of recorded API responses, one per file.")
    private Path inputDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "File for the change events, one JSON object per line. It is replaced only when the replay"
                    + " succeeds and accepts at least one file, so a failed replay keeps an earlier file.")
    private Path output;

    @Option(names = "--account-id", paramLabel = "ID",
            description = "Label the series as the account-level list of this account (32 hex characters)"
                    + " instead of the user-level list.")
    private String accountId;

    @Option(names = "--emit-baseline",
            description = "Write an ADDED event for every group of the first accepted file.")
    private boolean emitBaseline;

    @Mixin
    private RemovalOptions removalOptions;

    @Option(names = "--max-file-bytes", paramLabel = "BYTES",
            description = "Max size of one recorded file in bytes, up to 268435456; a bigger file is rejected before"
                    + " it is read (default: the poller's max response body, ${DEFAULT-VALUE}).")
    private long maxFileBytes = PollerConfig.DEFAULT_MAX_BODY_BYTES;

    @Override
    public Integer call() throws Exception {
        final Source source = accountId == null ? Sources.user() : Sources.account(accountId);
        final ReplayOptions options = new ReplayOptions(inputDir, output, source, emitBaseline,
                removalOptions.toSettings(), maxFileBytes);
        Replay.rejectOutputInsideInput(options);
        final PrintStream err = System.err;
        final Path workDir = Files.createTempDirectory("permwatch-replay-");
        LogSetup.useLogDir(workDir);

        final ReplaySummary summary;
        try {
            summary = new Replay(options, workDir, err).run();
        } catch (final IllegalArgumentException e) {
            // Invalid input is found before Kafka starts, so the folder contains nothing worth keeping.
            WorkDirs.deleteRecursively(workDir);
            throw e;
        } catch (final RuntimeException e) {
            err.println("permwatch replay: Kafka data and kafka.log kept in " + workDir + " for inspection");
            throw e;
        }
        WorkDirs.deleteRecursively(workDir);

        final PrintStream out = System.out;
        out.println(summary.describe() + " output=" + output);
        for (final FolderListing.SkippedEntry entry : summary.skipped()) {
            out.println("  skipped " + entry.name() + ": " + entry.reason());
        }
        for (final String link : summary.links()) {
            out.println("  link " + link + ": a symbolic link to a regular file, replayed as that file");
        }
        for (final ReplaySummary.RejectedFile file : summary.rejected()) {
            out.println("  rejected " + file.name() + ": " + file.reason());
        }
        for (final ReplaySummary.StaleFile file : summary.stale()) {
            out.println("  stale " + file.describe());
        }
        for (final String line : summary.removals().describe()) {
            out.println("  " + line);
        }
        if (summary.accepted() == 0) {
            err.println("permwatch replay: none of the " + summary.files() + " files in " + inputDir
                    + " passed validation; nothing was diffed and " + output + " was not written");
            return PermwatchCli.EXIT_NOTHING_ACCEPTED;
        }
        return PermwatchCli.EXIT_OK;
    }
}
