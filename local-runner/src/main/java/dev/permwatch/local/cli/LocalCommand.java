package dev.permwatch.local.cli;

import dev.permwatch.local.live.LocalMode;
import dev.permwatch.local.live.LocalModeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code permwatch local}: the whole pipeline in one JVM until Ctrl-C. */
@Command(name = "local",
        mixinStandardHelpOptions = true,
        description = {
            "Runs an embedded Kafka broker, a local Schema Registry, the streams app and the poller in this JVM,"
                    + " and prints each change event and one progress line per poll.",
            "With CLOUDFLARE_API_TOKEN set it polls the live API (the token is read only from the environment);"
                    + " without it, it polls a bundled demo series served on 127.0.0.1.",
            "Stop with Ctrl-C. A second run with the same data folder continues the series."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Stopped by Ctrl-C after a clean shutdown.",
            "1:A part failed to start or stopped with an error.",
            "2:Invalid option value."})
final class LocalCommand implements Callable<Integer> {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".permwatch",
            description = "Folder for Kafka, Schema Registry and Kafka Streams data and kafka.log;"
                    + " reused by the next run (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--account-id", paramLabel = "ID",
            description = "Also poll the account-level list of this account (32 hex characters)."
                    + " Needs CLOUDFLARE_API_TOKEN.")
    private String accountId;

    @Option(names = "--interval", paramLabel = "DURATION",
            description = "Time between polls of each list: ISO-8601 (PT15M) or 30s, 15m, 1h; at least 10 seconds."
                    + " Default: 15m with a token (mind the API rate limit of 1,200 requests per 5 minutes"
                    + " shared by every client of the user), 10s for the demo series.")
    private String interval;

    @Mixin
    private RemovalOptions removalOptions;

    @Override
    public Integer call() throws InterruptedException {
        rejectFileAsDataDir(dataDir);
        final Path logFile = LogSetup.useLogDir(dataDir);
        // Standard output carries only events and progress lines, so this line goes to standard error.
        System.err.println("permwatch: full log, with Kafka and Kafka Streams lines and stack traces, in " + logFile);
        final PrintStream out = System.out;
        final LocalMode localMode = new LocalMode(new LocalModeOptions(dataDir, accountId, interval, System.getenv(),
                removalOptions.toSettings()),
                out);

        final CountDownLatch stopRequested = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread mainThread = Thread.currentThread();
        final AtomicBoolean starting = new AtomicBoolean(true);
        final Thread shutdownHook = new Thread(() -> {
            stopRequested.countDown();
            // Start waits up to 90 s for the streams app, so interrupt it and Ctrl-C stops at once.
            synchronized (starting) {
                if (starting.get()) {
                    mainThread.interrupt();
                }
            }
            try {
                // The JVM exits when the hook returns, so wait for the main thread to close everything.
                stopped.await(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "permwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        try {
            localMode.start();
        } catch (final RuntimeException e) {
            // start() has already stopped whatever it started, so the hook need not wait for anything.
            stopped.countDown();
            if (stopRequested.getCount() == 0) {
                out.println("permwatch stopped during start. Data kept in " + dataDir.toAbsolutePath());
                return PermwatchCli.EXIT_OK;
            }
            throw e;
        } finally {
            // After this block the hook no longer interrupts. A stop request that came just as start
            // returned is still seen through the latch below, so the flag can be cleared.
            synchronized (starting) {
                starting.set(false);
                Thread.interrupted();
            }
        }
        try {
            stopRequested.await();
            out.println("Stopping permwatch...");
        } finally {
            localMode.close();
            out.println("permwatch stopped. Data kept in " + dataDir.toAbsolutePath());
            stopped.countDown();
        }
        return PermwatchCli.EXIT_OK;
    }

    /**
     * Rejects a data folder path that names a file. The check runs before logging is pointed at
     * the folder, because the log file and the broker would otherwise fail there with stack traces.
     */
    private static void rejectFileAsDataDir(final Path dataDir) {
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("Data folder " + dataDir.toAbsolutePath() + " is a file, not a folder."
                    + " Pass --data-dir a folder, new or from an earlier run");
        }
    }
}
