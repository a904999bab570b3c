package dev.permwatch.local.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code streams.properties} file that {@code permwatch local} writes into its data folder
 * while it runs: the streams app's settings with the embedded broker's and registry's current
 * addresses, so tools such as confirm-removals can reach the running stack. The file contains no
 * secret, because the local stack has no credentials.
 */
public final class StreamsPropertiesFile {

    public static final String FILE_NAME = "streams.properties";

    /** Time to wait for a TCP connection to the broker when checking that local mode runs. */
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private StreamsPropertiesFile() {
    }

    /** Returns the file's path in a data folder. */
    public static Path path(final Path dataDir) {
        return dataDir.toAbsolutePath().resolve(FILE_NAME);
    }

    /** Writes the stack's streams settings to the data folder and returns the file's path. */
    public static Path write(final LocalStack stack) {
        final Path file = path(stack.dataDir());
        try (OutputStream out = Files.newOutputStream(file)) {
            stack.streamsProperties().store(out, "Written by permwatch local while it runs; removed when it stops");
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file;
    }

    /** Deletes the file if present; a failure only leaves a stale file, which {@link #readRunning} detects. */
    public static void delete(final Path dataDir) {
        try {
            Files.deleteIfExists(path(dataDir));
        } catch (final IOException e) {
            org.slf4j.LoggerFactory.getLogger(StreamsPropertiesFile.class)
                    .warn("Cannot delete {}: {}", path(dataDir), e.toString());
        }
    }

    /**
     * Reads the file of a running local mode and checks that its broker accepts connections.
     *
     * @throws IllegalArgumentException if the file is missing or unreadable, or no broker listens
     *                                  at its address, each with what to do next
     */
    public static Properties readRunning(final Path dataDir) {
        final Path file = path(dataDir);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("permwatch local is not running with data folder "
                    + dataDir.toAbsolutePath() + ": " + file + " not found. Start './permwatch local --data-dir "
                    + dataDir + "' first, or pass --config with the streams app's properties file of a cluster");
        }
        final Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        final String bootstrap = props.getProperty("bootstrap.servers", "");
        if (!reachable(bootstrap)) {
            throw new IllegalArgumentException("permwatch local is not running with data folder "
                    + dataDir.toAbsolutePath() + ": no Kafka broker accepts connections at '" + bootstrap
                    + "' from " + file + ", which a stopped run left behind. Start './permwatch local --data-dir "
                    + dataDir + "' first");
        }
        return props;
    }

    private static boolean reachable(final String bootstrapServers) {
        final String first = bootstrapServers.split(",")[0].trim();
        final int colon = first.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        final int port;
        try {
            port = Integer.parseInt(first.substring(colon + 1));
        } catch (final NumberFormatException e) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(first.substring(0, colon), port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }
}
