package dev.permwatch.local.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real single-node Kafka broker (KRaft, combined broker and controller roles) inside this
 * JVM.
 *
 * <p>Both listeners bind to 127.0.0.1 only. The data folder is formatted on the first start, when
 * it contains no {@code meta.properties}, and reused as is afterwards, so topics and committed offsets
 * survive a restart. A later {@link #start()} of the same object, for example through
 * {@link #restart()}, binds the same client and controller ports again, so running clients
 * reconnect to the same address. Internal topics use replication factor 1 and a minimum ISR of 1, so
 * transactional producers and {@code exactly_once_v2} Streams applications work on this one node.
 *
 * <p>Not thread-safe: start and close it from one thread.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int requestedPort;
    private final Map<String, String> overrides;

    private KafkaRaftServer server;
    /** Client and controller ports chosen at the first start, 0 before it. Later starts reuse them. */
    private int port;
    private int controllerPort;

    /**
     * Creates a broker that keeps its log segments and metadata in {@code dataDir}.
     *
     * @param dataDir   folder for the broker's data; created if missing, reused across runs
     * @param port      client port on 127.0.0.1, or 0 to pick a free one at {@link #start()}
     * @param overrides broker settings that replace the defaults (for example {@code log.retention.ms});
     *                  never null
     */
    public EmbeddedKafkaBroker(final Path dataDir, final int port, final Map<String, String> overrides) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Invalid broker port " + port
                    + ": expected 0 (pick a free port) or 1-65535");
        }
        this.requestedPort = port;
        this.overrides = Map.copyOf(overrides);
    }

    public EmbeddedKafkaBroker(final Path dataDir, final int port) {
        this(dataDir, port, Map.of());
    }

    /**
     * Formats the data folder if needed, starts the broker and waits until it accepts client
     * requests.
     *
     * @throws IllegalStateException if the broker is already running, cannot be formatted or is not
     *                               ready within 60 seconds
     */
    public void start() {
        if (server != null) {
            throw new IllegalStateException("The embedded Kafka broker is already running on port " + port);
        }
        createDataDir();

        // The advertised listener must carry the real port, so free ports are chosen before the first start.
        if (port == 0) {
            port = requestedPort == 0 ? freePort() : requestedPort;
            controllerPort = freePort();
        }
        final KafkaConfig config = new KafkaConfig(brokerProperties(), false);

        if (Files.exists(dataDir.resolve("meta.properties"))) {
            LOG.info("Reusing Kafka data in {}", dataDir);
        } else {
            format(config);
        }

        final Instant startedAt = Instant.now();
        final KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        server = raftServer;
        try {
            raftServer.startup();
            awaitReady();
        } catch (final RuntimeException e) {
            close();
            throw new IllegalStateException("Embedded Kafka broker failed to start on " + bootstrapServersFor(port)
                    + " with data in " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.info("Embedded Kafka broker ready on {} in {} ms, data in {}", bootstrapServers(),
                Duration.between(startedAt, Instant.now()).toMillis(), dataDir);
    }

    /**
     * Stops the broker and starts it again on the same data folder and ports, as an operator's
     * broker restart does. Clients keep their connection settings and reconnect once it is back.
     *
     * @throws IllegalStateException if the broker is not running or does not start again within 60 s
     */
    public void restart() {
        if (server == null) {
            throw new IllegalStateException("The embedded Kafka broker is not running: call start() first");
        }
        close();
        start();
    }

    /** Returns {@code 127.0.0.1:<port>} for the {@code bootstrap.servers} client setting. */
    public String bootstrapServers() {
        if (server == null) {
            throw new IllegalStateException("The embedded Kafka broker is not running: call start() first");
        }
        return bootstrapServersFor(port);
    }

    /** Returns the data folder of the broker. */
    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down and waits until it has stopped. Safe to call more than once. */
    @Override
    public void close() {
        final KafkaRaftServer running = server;
        if (running == null) {
            return;
        }
        server = null;
        LOG.info("Stopping embedded Kafka broker on {}", bootstrapServersFor(port));
        running.shutdown();
        running.awaitShutdown();
        LOG.info("Embedded Kafka broker stopped");
    }

    private Properties brokerProperties() {
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        props.put("listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + port);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", dataDir.toString());

        // One node: every internal topic must fit on it, or transactions and groups never start.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "1");
        // Topics are created explicitly (TopicSetup, Kafka Streams), so a typo in a topic name fails.
        props.put("auto.create.topics.enable", "false");
        // A lone consumer group member need not wait 3 s for others to join.
        props.put("group.initial.rebalance.delay.ms", "0");

        props.putAll(overrides);
        return props;
    }

    private void format(final KafkaConfig config) {
        final ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        final String clusterId = Uuid.randomUuid().toString();
        // Without a release version the formatter writes the latest production metadata version.
        try (PrintStream printStream = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(dataDir.toString())
                    .run();
        } catch (final Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + dataDir + ": " + e.getMessage()
                    + ". Delete the folder to start with empty data, or pass another data folder", e);
        }
        LOG.info("Formatted Kafka storage in {} with cluster id {}", dataDir, clusterId);
        LOG.debug("Formatter output: {}", formatterOutput.toString(StandardCharsets.UTF_8).trim());
    }

    private void awaitReady() {
        final Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServersFor(port));
        try (Admin admin = Admin.create(adminProps)) {
            final int nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes != 1) {
                throw new IllegalStateException("Expected 1 broker node in the cluster, found " + nodes);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
        } catch (final ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Embedded Kafka broker did not accept requests within "
                    + READY_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private void createDataDir() {
        try {
            Files.createDirectories(dataDir);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create the Kafka data folder " + dataDir
                    + ": check that its parent exists and is writable", e);
        }
    }

    private static String bootstrapServersFor(final int port) {
        return LOOPBACK + ":" + port;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot find a free TCP port on " + LOOPBACK, e);
        }
    }
}
