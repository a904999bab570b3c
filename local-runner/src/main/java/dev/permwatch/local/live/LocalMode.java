package dev.permwatch.local.live;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.demo.DemoApiServer;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.StartedParts;
import dev.permwatch.local.stack.StreamsPropertiesFile;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.PollerApp;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.PollerConfigException;
import dev.permwatch.schemas.Sources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the whole pipeline in this JVM: embedded broker, local Schema Registry, streams app and
 * poller, and prints change events and progress lines as they happen.
 *
 * <p>With {@code CLOUDFLARE_API_TOKEN} set it polls the live API (user list, plus one account
 * list when an account id is given). Without it, it polls the bundled demo series from a
 * {@link DemoApiServer} on 127.0.0.1 with a demo token.
 */
public final class LocalMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);

    /** Kafka Streams application id; stable so a second run continues the stored series. */
    static final String APPLICATION_ID = "permwatch-local";
    static final String LIVE_DEFAULT_INTERVAL = "15m";
    /** The poller rejects intervals below 10 seconds. */
    static final String DEMO_DEFAULT_INTERVAL = "10s";
    private static final String DEMO_TOKEN = "permwatch-demo-token";
    private static final String USER_SOURCE = "user";
    private static final String ACCOUNT_SOURCE = "account";

    private final LocalModeOptions options;
    private final PrintStream out;
    private final StartedParts started = new StartedParts();

    public LocalMode(final LocalModeOptions options, final PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Starts every part and returns once the first poll is scheduled.
     *
     * @throws IllegalArgumentException if an option is invalid (e.g. an account id without a token)
     * @throws PollerConfigException    if the poller rejects a setting, e.g. an interval below 10 s
     * @throws IllegalStateException    if a part fails to start; the started parts are stopped
     */
    public void start() {
        if (options.accountId() != null) {
            // Rejects an invalid account id before anything starts, and before asking for a token.
            Sources.account(options.accountId());
        }
        if (!options.live() && options.accountId() != null) {
            throw new IllegalArgumentException("--account-id " + options.accountId() + " needs "
                    + LocalModeOptions.TOKEN_ENV + ": the demo series has only the user-level list."
                    + " Export a token that can read permission groups, or leave out --account-id");
        }
        validatePollerSettings();
        try {
            startParts();
        } catch (final RuntimeException e) {
            // As in LocalStack: stop with the interrupt flag cleared, then restore it.
            final boolean interrupted = Thread.interrupted();
            close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    private void startParts() {
        if (options.live()) {
            out.println("Polling the Cloudflare API (" + sourcesText() + ") every " + interval()
                    + ". Data in " + options.dataDir().toAbsolutePath() + ". Press Ctrl-C to stop.");
        } else {
            out.println("No " + LocalModeOptions.TOKEN_ENV + " set: using the bundled demo series, polled every "
                    + interval() + ". Data in " + options.dataDir().toAbsolutePath() + ". Press Ctrl-C to stop.");
        }

        final LocalStack stack = LocalStack.start(options.dataDir(), APPLICATION_ID, false,
                options.removal().toStreamsSettings());
        started.add(stack);
        started.add(() -> StreamsPropertiesFile.delete(options.dataDir()));
        final Path streamsFile = StreamsPropertiesFile.write(stack);
        out.println("Streams settings of this run (for confirm-removals): " + streamsFile);

        final EventPrinter printer = new EventPrinter(stack.bootstrapServers(), stack.serdeConfig(), out);
        started.add(printer);
        printer.start();

        String baseUrl = null;
        if (!options.live()) {
            final DemoApiServer demo = new DemoApiServer(DEMO_TOKEN, options.dataDir().resolve("demo-position"));
            started.add(demo);
            demo.start();
            baseUrl = demo.baseUrl();
        }

        final PollerConfig config = PollerConfig.fromProperties(pollerProperties(stack, baseUrl), pollerEnv());
        final PollerApp poller = new PollerApp(config, listener(printer));
        started.add(poller);
        poller.start();
        LOG.info("permwatch local started with data in {}", options.dataDir().toAbsolutePath());
    }

    /**
     * Checks interval, sources and token with the poller's own rules before Kafka starts, so a typo
     * fails in a second. The Kafka and registry addresses are placeholders and never connected to.
     *
     * @throws PollerConfigException with the poller's message naming the setting, or {@code --interval}
     *                               for the poll interval
     */
    private void validatePollerSettings() {
        final Properties props = pollerProperties("127.0.0.1:9092", Map.of("schema.registry.url", "http://127.0.0.1:8081"),
                options.live() ? null : "http://127.0.0.1:8080" + DemoApiServer.API_BASE_PATH);
        try {
            PollerConfig.fromProperties(props, pollerEnv());
        } catch (final PollerConfigException e) {
            throw withOptionName(e);
        }
    }

    /**
     * Replaces the poller key of an interval error with the option that set it, because the user
     * typed {@code --interval}, not {@code permwatch.source.user.interval}.
     */
    private static PollerConfigException withOptionName(final PollerConfigException e) {
        final String key = e.key();
        if (key == null || !key.startsWith("permwatch.source.") || !key.endsWith(".interval")) {
            return e;
        }
        return new PollerConfigException(key, e.getMessage().replace(key, "--interval"), e);
    }

    private Properties pollerProperties(final LocalStack stack, final String baseUrl) {
        return pollerProperties(stack.bootstrapServers(), stack.serdeConfig(), baseUrl);
    }

    private Properties pollerProperties(final String bootstrapServers, final Map<String, String> serdeConfig,
                                        final String baseUrl) {
        final Properties props = new Properties();
        if (baseUrl != null) {
            props.put("permwatch.cloudflare.base.url", baseUrl);
        }
        props.put("permwatch.sources", options.accountId() == null ? USER_SOURCE : USER_SOURCE + "," + ACCOUNT_SOURCE);
        props.put("permwatch.source." + USER_SOURCE + ".endpoint", "user");
        props.put("permwatch.source." + USER_SOURCE + ".interval", interval());
        if (options.accountId() != null) {
            props.put("permwatch.source." + ACCOUNT_SOURCE + ".endpoint", "account");
            props.put("permwatch.source." + ACCOUNT_SOURCE + ".account.id", options.accountId());
            props.put("permwatch.source." + ACCOUNT_SOURCE + ".interval", interval());
        }
        props.put("bootstrap.servers", bootstrapServers);
        props.putAll(serdeConfig);
        return props;
    }

    private Map<String, String> pollerEnv() {
        if (options.live()) {
            return options.env();
        }
        return Map.of(LocalModeOptions.TOKEN_ENV, DEMO_TOKEN);
    }

    private PollListener listener(final EventPrinter printer) {
        return new PollListener() {
            @Override
            public void onSnapshot(final String sourceName, final Snapshot snapshot) {
                printer.onSnapshot(snapshot);
            }

            @Override
            public void onFailure(final String sourceName, final PollFailure failure) {
                // The printer prints the failure from its poll-status record, with the attempts; the
                // message with its detail goes to the log only.
                LOG.debug("source={} poll failed: {}", sourceName, failure.describe());
            }
        };
    }

    private String interval() {
        if (options.interval() != null) {
            return options.interval();
        }
        return options.live() ? LIVE_DEFAULT_INTERVAL : DEMO_DEFAULT_INTERVAL;
    }

    private String sourcesText() {
        return options.accountId() == null ? "user list" : "user list and account " + options.accountId();
    }

    /** Stops the poller, the demo server, the printer and the Kafka side, in that order. */
    @Override
    public void close() {
        started.close();
    }
}
