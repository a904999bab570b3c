package dev.permwatch.local.cli;

import dev.permwatch.local.demo.DemoApiServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code permwatch serve-demo}: serves the bundled demo series on a fixed port of 127.0.0.1 until
 * the process is stopped, so a poller started separately (the compose {@code demo} profile runs it
 * in the same network namespace) polls it without a Cloudflare token.
 */
@Command(name = "serve-demo",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the bundled demo series in place of the Cloudflare API at"
                    + " http://127.0.0.1:<port>" + DemoApiServer.API_BASE_PATH + " until stopped (Ctrl-C or SIGTERM).",
            "Clients must send 'Authorization: Bearer <token>' with the token from the environment variable "
                    + ServeDemoCommand.TOKEN_ENV + ". Each request gets the next step of the series."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Stopped by a signal.",
            "1:The server failed to start, for example because the port is in use.",
            "2:Invalid option or missing " + ServeDemoCommand.TOKEN_ENV + "."})
final class ServeDemoCommand implements Callable<Integer> {

    /** Environment variable with the bearer token the demo server expects; not a Cloudflare token. */
    static final String TOKEN_ENV = "PERMWATCH_DEMO_TOKEN";
    /** File in the data folder that stores how many requests were served, so a restart continues the series. */
    static final String POSITION_FILE = "demo-position";

    private static final Logger LOG = LoggerFactory.getLogger(ServeDemoCommand.class);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9480",
            description = "TCP port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".permwatch",
            description = "Folder for the series position and the log file (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    private final Map<String, String> env;

    ServeDemoCommand() {
        this(System.getenv());
    }

    ServeDemoCommand(final Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        final String token = env.get(TOKEN_ENV);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("Missing environment variable " + TOKEN_ENV
                    + ": set it to the bearer token the poller sends (any non-empty text, not a Cloudflare token)");
        }
        try {
            Files.createDirectories(dataDir);
        } catch (final IOException e) {
            throw new UncheckedIOException("Failed to create the data folder " + dataDir.toAbsolutePath()
                    + ": choose a writable folder with --data-dir", e);
        }
        LogSetup.useLogDir(dataDir);

        final CountDownLatch stopped = new CountDownLatch(1);
        final DemoApiServer server = new DemoApiServer(token, dataDir.resolve(POSITION_FILE));
        server.start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "serve-demo-shutdown"));
        LOG.info("Serving the demo series ({} steps, {} served before) at {} until stopped",
                server.stepCount(), server.servedSteps(), server.baseUrl());
        stopped.await();
        return PermwatchCli.EXIT_OK;
    }
}
