package dev.permwatch.local.eos;

import dev.permwatch.local.replay.WorkDirs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * One streams-app instance ({@code dev.permwatch.streams.StreamsMain}) in its own JVM, with its
 * own state folder, log file and properties file below one folder:
 * {@code state/} ({@code state.dir}), {@code streams.properties} and {@code streams-app.log}
 * (standard output and error of every start, appended), plus {@code kafka.log} from the logging
 * configuration of the command, which {@code -Dpermwatch.log.dir} points at this folder.
 *
 * <p>The instance can be started again after {@link #kill()}: it then reuses its state folder and
 * so its Kafka Streams process id, unless {@link #wipeState()} deleted the folder in between.
 *
 * <p>Not thread-safe: start, kill and wipe it from one thread.
 */
public final class StreamsInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsInstance.class);

    static final String MAIN_CLASS = "dev.permwatch.streams.StreamsMain";
    /** Line that StreamsApp logs when Kafka Streams reaches RUNNING. */
    static final String RUNNING_MARKER = "-> RUNNING";
    private static final int MAX_HEAP_MEGABYTES = 256;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    /**
     * Settings of an instance.
     *
     * @param bootstrapServers  Kafka {@code bootstrap.servers}
     * @param schemaRegistryUrl {@code schema.registry.url}
     * @param applicationId     Kafka Streams {@code application.id}, the same for every instance of one app
     * @param sessionTimeout    consumer {@code session.timeout.ms}: how long the group waits for a killed
     *                          member before its tasks move; the broker rejects values below its
     *                          {@code group.min.session.timeout.ms} (6 s by default)
     * @param standbyReplicas   {@code num.standby.replicas}, 0 or more
     * @param overrides         further Kafka Streams properties, written last so they replace the ones
     *                          above, for example {@code commit.interval.ms} to keep transactions open longer
     */
    public record Settings(String bootstrapServers, String schemaRegistryUrl, String applicationId,
                           Duration sessionTimeout, int standbyReplicas, Map<String, String> overrides) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(sessionTimeout, "sessionTimeout");
            if (standbyReplicas < 0) {
                throw new IllegalArgumentException("Invalid standby replica count " + standbyReplicas
                        + ": expected 0 or more");
            }
            overrides = Map.copyOf(overrides);
        }

        /** Creates settings without further Kafka Streams properties. */
        public Settings(final String bootstrapServers, final String schemaRegistryUrl, final String applicationId,
                        final Duration sessionTimeout, final int standbyReplicas) {
            this(bootstrapServers, schemaRegistryUrl, applicationId, sessionTimeout, standbyReplicas, Map.of());
        }
    }

    private final String name;
    private final Path dir;
    private final Settings settings;
    private ChildJvm jvm;
    /** Length of the log file when the current JVM started; the RUNNING line is searched after it. */
    private long logOffsetAtStart;

    /**
     * @param name     name in log lines and the Kafka Streams {@code client.id} prefix, e.g. {@code streams-1}
     * @param dir      folder of this instance; created if missing
     * @param settings connection and group settings
     */
    public StreamsInstance(final String name, final Path dir, final Settings settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Writes the properties file and starts the streams app in a new JVM. Returns at once; use
     * {@link #awaitRunning(Duration)} to wait for its first assignment.
     *
     * @throws IllegalStateException if this instance's JVM is still alive
     * @throws UncheckedIOException  if the folder or properties file cannot be written or the JVM not started
     */
    public void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running as process " + jvm.pid());
        }
        try {
            Files.createDirectories(dir);
            final Path log = logFile();
            logOffsetAtStart = Files.exists(log) ? Files.size(log) : 0;
            writeProperties();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot prepare the folder " + dir + " of " + name, e);
        }
        jvm = ChildJvm.start(name, MAIN_CLASS, List.of(propertiesFile().toString()),
                Map.of("permwatch.log.dir", dir.toString()), MAX_HEAP_MEGABYTES, logFile());
    }

    /**
     * Waits until the current JVM logged that Kafka Streams is RUNNING.
     *
     * @return true if it did, false if the timeout passed first
     * @throws IllegalStateException if the JVM exited before reaching RUNNING
     */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (loggedRunning()) {
                return true;
            }
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited before reaching RUNNING; see " + logFile());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        return loggedRunning();
    }

    /** Returns whether the current JVM has logged that Kafka Streams reached RUNNING. */
    public boolean isRunning() {
        return isAlive() && loggedRunning();
    }

    /**
     * Ends the JVM with SIGKILL: no shutdown hook runs, so the open transaction stays open and the
     * consumer group member stays registered until Kafka fences or expires them.
     *
     * @return the process id that was killed
     * @throws IllegalStateException if the instance is not running
     */
    public long kill() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " is not running, so it cannot be killed");
        }
        final long pid = jvm.pid();
        jvm.kill();
        return pid;
    }

    /**
     * Deletes the state folder, as a lost disk or a new container without a volume would. The next
     * start restores every store from its changelog and gets a new Kafka Streams process id.
     *
     * @throws IllegalStateException if the JVM is alive
     */
    public void wipeState() {
        if (isAlive()) {
            throw new IllegalStateException("Kill " + name + " (process " + jvm.pid()
                    + ") before deleting its state folder");
        }
        final Path state = stateDir();
        if (Files.exists(state)) {
            WorkDirs.deleteRecursively(state);
        }
        LOG.info("Deleted the state folder {} of {}", state, name);
    }

    public boolean isAlive() {
        return jvm != null && jvm.isAlive();
    }

    /** Returns the process id of the current or last JVM, or -1 before the first start. */
    public long pid() {
        return jvm == null ? -1 : jvm.pid();
    }

    public String name() {
        return name;
    }

    /** Returns the Kafka Streams {@code client.id}, the prefix of its consumers' and producers' client ids. */
    public String clientId() {
        return settings.applicationId() + "-" + name;
    }

    public String applicationId() {
        return settings.applicationId();
    }

    public Path stateDir() {
        return dir.resolve("state");
    }

    public Path logFile() {
        return dir.resolve("streams-app.log");
    }

    /**
     * Asks the JVM to stop with SIGTERM, so the streams app closes and commits, and kills it if it
     * still runs after {@code timeout}.
     *
     * @return the exit code
     * @throws IllegalStateException if the instance was never started
     */
    public int stop(final Duration timeout) {
        if (jvm == null) {
            throw new IllegalStateException(name + " was never started, so it cannot be stopped");
        }
        return jvm.stop(timeout);
    }

    /** Kills the JVM if it still runs. */
    @Override
    public void close() {
        if (jvm != null) {
            jvm.close();
        }
    }

    private Path propertiesFile() {
        return dir.resolve("streams.properties");
    }

    private void writeProperties() throws IOException {
        final Properties props = new Properties();
        props.put("bootstrap.servers", settings.bootstrapServers());
        props.put("schema.registry.url", settings.schemaRegistryUrl());
        props.put("specific.avro.reader", "true");
        props.put("application.id", settings.applicationId());
        props.put("client.id", clientId());
        props.put("state.dir", stateDir().toString());
        // exactly_once_v2 is the app's default too; it is set here so the run cannot silently test less.
        props.put("processing.guarantee", "exactly_once_v2");
        // One broker: internal topics (changelogs, repartition topics) cannot have more replicas.
        props.put("replication.factor", "1");
        props.put("num.standby.replicas", String.valueOf(settings.standbyReplicas()));
        props.put("session.timeout.ms", String.valueOf(settings.sessionTimeout().toMillis()));
        props.put("heartbeat.interval.ms", String.valueOf(Math.max(500, settings.sessionTimeout().toMillis() / 4)));
        props.put("permwatch.baseline.emit-added", "false");
        // A random loopback port, so that several instances on one machine do not collide on 9401.
        props.put("permwatch.ops.port", "0");
        props.put("permwatch.ops.bind.address", "127.0.0.1");
        props.putAll(settings.overrides());
        try (OutputStream out = Files.newOutputStream(propertiesFile())) {
            props.store(out, "Streams app instance " + name);
        }
    }

    /** Searches the log written since the current start for the RUNNING line. */
    private boolean loggedRunning() {
        final Path log = logFile();
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            final long length = file.length();
            if (length <= logOffsetAtStart) {
                return false;
            }
            final byte[] added = new byte[(int) Math.min(Integer.MAX_VALUE, length - logOffsetAtStart)];
            file.seek(logOffsetAtStart);
            file.readFully(added);
            return new String(added, StandardCharsets.UTF_8).contains(RUNNING_MARKER);
        } catch (final IOException e) {
            LOG.debug("Cannot read {} yet: {}", log, e.toString());
            return false;
        }
    }
}
