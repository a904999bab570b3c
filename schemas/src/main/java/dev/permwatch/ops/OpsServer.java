package dev.permwatch.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * HTTP endpoint for operators, served by the JDK's built-in server:
 * <ul>
 * <li>{@code GET /metrics}: every meter of the registry in the Prometheus text format 0.0.4;</li>
 * <li>{@code GET /health/live}: 200 while every liveness check is up, otherwise 503;</li>
 * <li>{@code GET /health/ready}: 200 while every readiness check is up, otherwise 503.</li>
 * </ul>
 * Both health endpoints return a JSON body such as
 * {@code {"status":"UP","checks":{"streams-state":{"status":"UP","detail":"RUNNING"}}}}. Another
 * method on a known path gets 405, any other path 404. One thread serves the requests, which is
 * enough for a scraper and an orchestrator.
 */
public final class OpsServer implements AutoCloseable {

    public static final String METRICS_PATH = "/metrics";
    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";
    /** Content type of the Prometheus text exposition format, version 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final List<HealthCheck> liveness;
    private final List<HealthCheck> readiness;

    private OpsServer(final HttpServer server, final PrometheusMeterRegistry registry,
                      final List<HealthCheck> liveness, final List<HealthCheck> readiness) {
        this.server = server;
        this.registry = registry;
        this.liveness = List.copyOf(liveness);
        this.readiness = List.copyOf(readiness);
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "permwatch-ops-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Binds and starts the server.
     *
     * @param settings  must be enabled
     * @param liveness  checks behind {@code /health/live}
     * @param readiness checks behind {@code /health/ready}
     * @throws UncheckedIOException if the address cannot be bound, for example because the port is in use
     */
    public static OpsServer start(final OpsSettings settings, final PrometheusMeterRegistry registry,
                                  final List<HealthCheck> liveness, final List<HealthCheck> readiness) {
        Objects.requireNonNull(registry, "registry");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("The operations endpoint is turned off in its settings");
        }
        final HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot listen on " + settings.bindAddress() + ":" + settings.port()
                    + " for the metrics and health endpoint: " + e.getMessage() + ". Set "
                    + OpsSettings.PORT + " to a free port, or -1 to turn the endpoint off", e);
        }
        final OpsServer ops = new OpsServer(server, registry, liveness, readiness);
        server.start();
        LOG.info("Metrics and health endpoint listening on {}:{} ({}, {}, {})", settings.bindAddress(), ops.port(),
                METRICS_PATH, LIVE_PATH, READY_PATH);
        return ops;
    }

    /** Returns the bound port, which differs from the configured one when that was 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting requests and waits up to 1 s for the one being served. Safe to call more than once. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String path = exchange.getRequestURI().getPath();
            final boolean known = path.equals(METRICS_PATH) || path.equals(LIVE_PATH) || path.equals(READY_PATH);
            if (!known) {
                sendText(exchange, 404, "Not found: " + path + ". Paths: " + METRICS_PATH + ", " + LIVE_PATH
                        + ", " + READY_PATH + "\n");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                sendText(exchange, 405, "Method " + exchange.getRequestMethod() + " not allowed on " + path
                        + ": use GET\n");
                return;
            }
            if (path.equals(METRICS_PATH)) {
                send(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape());
            } else {
                sendHealth(exchange, path.equals(LIVE_PATH) ? liveness : readiness);
            }
        } catch (final RuntimeException e) {
            LOG.warn("Metrics and health endpoint failed on {} {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), e);
        }
    }

    private static void sendHealth(final HttpExchange exchange, final List<HealthCheck> checks) throws IOException {
        final ObjectNode body = JSON.createObjectNode();
        final ObjectNode details = JSON.createObjectNode();
        boolean allUp = true;
        for (final HealthCheck check : checks) {
            HealthCheck.State state;
            try {
                state = check.probe().get();
            } catch (final RuntimeException e) {
                state = HealthCheck.State.down("check failed: " + e.getClass().getSimpleName());
            }
            allUp &= state.up();
            final ObjectNode entry = details.putObject(check.name());
            entry.put("status", state.up() ? "UP" : "DOWN");
            entry.put("detail", state.detail());
        }
        body.put("status", allUp ? "UP" : "DOWN");
        body.set("checks", details);
        send(exchange, allUp ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    private static void sendText(final HttpExchange exchange, final int status, final String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text);
    }

    private static void send(final HttpExchange exchange, final int status, final String contentType,
                             final String text) throws IOException {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
