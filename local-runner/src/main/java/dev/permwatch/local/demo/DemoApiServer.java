package dev.permwatch.local.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the bundled demo series in place of the Cloudflare API, so the real poller code path
 * runs without a network or a token.
 *
 * <p>Serves {@code GET /client/v4/user/tokens/permission_groups} on 127.0.0.1. Each request with
 * the expected {@code Authorization: Bearer <token>} header gets the next step of the series
 * ({@code demo/steps.txt} on the class path lists the files in order). After the last step it keeps
 * returning the last one. A request without that header gets HTTP 401 with a Cloudflare-style error
 * body and does not advance the series.
 *
 * <p>With a position file the series continues across runs: the server stores the number of
 * served requests there after each one and starts from it on the next run, so a second
 * {@code permwatch local} does not go back to the first step.
 *
 * <p>The steps are: a baseline of six groups, the rename of "Teams Write" to "Zero Trust Write", an
 * added R2 bucket group, a scope change of "DNS Read", a description change of "Zero Trust Write"
 * and the removal of "Memberships Read".
 */
public final class DemoApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoApiServer.class);

    /** Base path of the Cloudflare API v4, as in {@code https://api.cloudflare.com/client/v4}. */
    public static final String API_BASE_PATH = "/client/v4";
    public static final String PERMISSION_GROUPS_PATH = API_BASE_PATH + "/user/tokens/permission_groups";

    private static final String STEPS_INDEX = "demo/steps.txt";
    private static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final byte[] UNAUTHORIZED_BODY = ("{\"success\":false,\"errors\":[{\"code\":10000,"
            + "\"message\":\"Authentication error\"}],\"messages\":[],\"result\":null}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND_BODY = ("{\"success\":false,\"errors\":[{\"code\":7000,"
            + "\"message\":\"No route for that URI\"}],\"messages\":[],\"result\":null}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] METHOD_NOT_ALLOWED_BODY = ("{\"success\":false,\"errors\":[{\"code\":7001,"
            + "\"message\":\"Method not allowed\"}],\"messages\":[],\"result\":null}")
            .getBytes(StandardCharsets.UTF_8);

    private final String expectedAuthorization;
    private final List<byte[]> steps;
    private final AtomicInteger servedSteps = new AtomicInteger();
    private final Path positionFile;
    private HttpServer server;

    /**
     * Creates a server that starts at the first step on every run.
     *
     * @param token the bearer token clients must send; never logged
     * @throws IllegalStateException if the demo resources are missing from the class path
     */
    public DemoApiServer(final String token) {
        this(token, null);
    }

    /**
     * Creates a server that continues the series from {@code positionFile}.
     *
     * @param token        the bearer token clients must send; never logged
     * @param positionFile file storing the number of served requests; may be null (no
     *                     persistence), and a missing file means the first step
     * @throws IllegalArgumentException if the position file does not contain a non-negative number
     */
    public DemoApiServer(final String token, final Path positionFile) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("The demo API token must not be empty");
        }
        this.expectedAuthorization = "Bearer " + token;
        this.steps = loadSteps();
        this.positionFile = positionFile;
        this.servedSteps.set(readPosition(positionFile));
    }

    /** Starts serving on a free port of 127.0.0.1. */
    public void start() {
        start(0);
    }

    /**
     * Starts serving on the given port of 127.0.0.1. The server never listens on other interfaces,
     * so in a container only processes sharing its network namespace reach it.
     *
     * @param port TCP port from 1 to 65535, or 0 for a free port
     * @throws IllegalArgumentException if the port is out of range
     * @throws UncheckedIOException     if the port is in use
     */
    public void start(final int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Invalid demo API port " + port + ": expected 0 (a free port) to 65535");
        }
        if (server != null) {
            throw new IllegalStateException("The demo API server is already running at " + baseUrl());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("Failed to start the demo API server on 127.0.0.1 port " + port
                    + ": is another process using it? Choose another port", e);
        }
        server.createContext(PERMISSION_GROUPS_PATH, this::handle);
        server.start();
        LOG.info("Demo API server serving {} steps at {}", steps.size(), baseUrl());
    }

    /** Returns the API base URL to configure in the poller, e.g. {@code http://127.0.0.1:40123/client/v4}. */
    public String baseUrl() {
        if (server == null) {
            throw new IllegalStateException("The demo API server is not running: call start() first");
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + API_BASE_PATH;
    }

    /** Returns the number of steps in the demo series. */
    public int stepCount() {
        return steps.size();
    }

    /** Returns how many authorized requests were served so far. */
    public int servedSteps() {
        return servedSteps.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            server = null;
            LOG.info("Demo API server stopped after {} authorized request(s)", servedSteps.get());
        }
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            // The context matches every path below it, while the real API serves only this exact path.
            if (!PERMISSION_GROUPS_PATH.equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, NOT_FOUND_BODY);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, METHOD_NOT_ALLOWED_BODY);
                return;
            }
            final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (!expectedAuthorization.equals(authorization)) {
                LOG.warn("Demo API server rejected a request without the demo bearer token");
                send(exchange, 401, UNAUTHORIZED_BODY);
                return;
            }
            final int served = servedSteps.getAndIncrement();
            final int step = Math.min(served, steps.size() - 1);
            LOG.debug("Demo API server returning step {} of {}", step + 1, steps.size());
            // Stored before the response is sent, so a client that has the response reads the new position.
            writePosition(served + 1);
            send(exchange, 200, steps.get(step));
        }
    }

    private static int readPosition(final Path file) {
        if (file == null || !Files.exists(file)) {
            return 0;
        }
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read the demo position file " + file, e);
        }
        try {
            final int position = Integer.parseInt(text);
            if (position >= 0) {
                return position;
            }
        } catch (final NumberFormatException e) {
            // Reported below with the file name and the fix.
        }
        throw new IllegalArgumentException("Invalid demo position '" + text + "' in " + file
                + ": expected a non-negative number. Delete the file to restart the demo series");
    }

    private void writePosition(final int position) {
        if (positionFile == null) {
            return;
        }
        try {
            final Path temporary = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
            Files.writeString(temporary, position + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            // The series still advances in memory; only the next run starts from an older step.
            LOG.warn("Cannot store the demo position {} in {}: {}", position, positionFile, e.toString());
        }
    }

    private static void send(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static List<byte[]> loadSteps() {
        final String index = new String(readResource(STEPS_INDEX), StandardCharsets.UTF_8);
        final List<byte[]> loaded = new ArrayList<>();
        for (final String line : index.split("\n")) {
            final String name = line.strip();
            if (!name.isEmpty()) {
                loaded.add(readResource("demo/" + name));
            }
        }
        if (loaded.isEmpty()) {
            throw new IllegalStateException("The demo series index " + STEPS_INDEX + " lists no files");
        }
        return List.copyOf(loaded);
    }

    private static byte[] readResource(final String name) {
        try (InputStream in = DemoApiServer.class.getClassLoader().getResourceAsStream(name)) {
            Objects.requireNonNull(in, () -> "Demo resource " + name + " is missing from the class path;"
                    + " rebuild the local runner jar");
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read demo resource " + name, e);
        }
    }
}
