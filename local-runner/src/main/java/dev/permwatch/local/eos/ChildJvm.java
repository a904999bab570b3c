package dev.permwatch.local.eos;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A Java program run in a separate JVM with this JVM's class path, so it can be ended the way a
 * machine or an orchestrator ends it: {@link #kill()} sends SIGKILL (no shutdown hook runs, no
 * buffer is flushed, no transaction is closed), {@link #stop(Duration)} sends SIGTERM.
 *
 * <p>Standard output and standard error go to one log file, appended across restarts.
 *
 * <p>Not thread-safe: start and end it from one thread.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    /** Exit code of a JVM ended by SIGKILL: 128 + 9. */
    public static final int KILLED_EXIT_CODE = 137;

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;

    private ChildJvm(final String name, final Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param name             name used in log lines, for example {@code streams-app-1}; never null
     * @param mainClass        fully qualified class with a {@code main} method on this JVM's class path
     * @param args             program arguments; never null
     * @param systemProperties {@code -D} settings of the new JVM; never null
     * @param maxHeapMegabytes maximum heap of the new JVM in MiB ({@code -Xmx})
     * @param logFile          file that receives standard output and error; its folder must exist
     * @throws UncheckedIOException if the JVM cannot be started
     */
    public static ChildJvm start(final String name, final String mainClass, final List<String> args,
                                 final Map<String, String> systemProperties, final int maxHeapMegabytes,
                                 final Path logFile) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mainClass, "mainClass");
        if (maxHeapMegabytes < 64) {
            throw new IllegalArgumentException("Invalid maximum heap " + maxHeapMegabytes
                    + " MiB for " + name + ": expected 64 MiB or more");
        }
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeapMegabytes + "m");
        // Serial GC: the children share 2 cores with the broker and the test JVM.
        command.add("-XX:+UseSerialGC");
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);

        final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            Files.writeString(logFile, "---- start of " + name + " ----\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            final Process process = builder.start();
            LOG.info("Started {} as process {}, output in {}", name, process.pid(), logFile);
            return new ChildJvm(name, process);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot start " + name + " (" + mainClass + ") in a new JVM", e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Ends the JVM with SIGKILL and waits until it is gone.
     *
     * @return the exit code, {@link #KILLED_EXIT_CODE} unless the JVM had already exited
     * @throws IllegalStateException if the JVM is still alive 30 s after the signal
     */
    public int kill() {
        if (process.isAlive()) {
            LOG.info("Killing {} (process {}) with SIGKILL", name, process.pid());
        }
        // On Linux and macOS destroyForcibly sends SIGKILL.
        process.destroyForcibly();
        return awaitExit();
    }

    /**
     * Asks the JVM to stop with SIGTERM, so its shutdown hooks run, and kills it if it is still
     * running after {@code timeout}.
     *
     * @return the exit code
     */
    public int stop(final Duration timeout) {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        LOG.info("Stopping {} (process {}) with SIGTERM", name, process.pid());
        process.destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("{} (process {}) did not stop within {} s of SIGTERM", name, process.pid(), timeout.toSeconds());
        return kill();
    }

    /** Kills the JVM if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " (process " + process.pid() + ") is still alive "
                        + EXIT_TIMEOUT.toSeconds() + " s after SIGKILL: end it with kill -9 " + process.pid());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to exit", e);
        }
        return process.exitValue();
    }
}
