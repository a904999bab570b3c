package dev.permwatch.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Schema Registry that speaks the part of Confluent's REST API that the serde and a person
 * with curl use, bound to 127.0.0.1 only and persisted to a folder.
 *
 * <p>Endpoints: {@code GET /subjects}, {@code GET /subjects/{s}/versions},
 * {@code GET /subjects/{s}/versions/{version|latest}[/schema]}, {@code POST /subjects/{s}/versions},
 * {@code POST /subjects/{s}}, {@code GET /schemas/ids/{id}}, {@code GET|PUT /config},
 * {@code GET|PUT|DELETE /config/{s}} and {@code POST /compatibility/subjects/{s}/versions[/{version|latest}]}.
 * Errors have Confluent's bodies, for example {@code {"error_code":40401,"message":"..."}}. Only
 * Avro schemas are supported, without references; deleting subjects is not supported.
 *
 * <p>The server starts in the constructor and stops in {@link #close()}. Every change is written
 * to {@code schema-registry.json} in the data folder and forced to disk before any request can
 * see it, and so before the response is sent.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

    /** Media type of Confluent's REST API v1, used for every response. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(LocalSchemaRegistry.class);
    /** Largest accepted request body, in bytes: far above any real schema, low enough to keep memory bounded. */
    static final int MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Worker threads; requests are short, and the store serializes changes anyway. */
    private static final int THREADS = 4;
    /** Seconds {@link #close()} waits for running requests to finish their writes. */
    private static final int STOP_TIMEOUT_SECONDS = 5;

    private final SchemaStore store = new SchemaStore();
    private final RegistryFile file;
    private final Optional<byte[]> expectedAuthorization;
    private final HttpServer server;
    private final String url;
    private final ExecutorService executor;
    private final AtomicLong requestCount = new AtomicLong();
    private final Object writeLock = new Object();

    /** Starts a registry on a free port without authentication. */
    public LocalSchemaRegistry(final Path dataFolder) throws IOException {
        this(dataFolder, 0, Optional.empty());
    }

    /** Starts a registry on a port (0 picks a free one) without authentication. */
    public LocalSchemaRegistry(final Path dataFolder, final int port) throws IOException {
        this(dataFolder, port, Optional.empty());
    }

    /**
     * Starts a registry.
     *
     * @param dataFolder        folder for {@code schema-registry.json}; created when missing
     * @param port              TCP port on 127.0.0.1, or 0 for a free one
     * @param basicAuthUserInfo {@code user:password} that every request must send as HTTP basic
     *                          auth, or empty to accept every request
     * @throws IOException           when the folder cannot be created, a leftover temporary file
     *                               cannot be deleted, or the port cannot be bound
     * @throws IllegalStateException when the data file exists but cannot be read, has the wrong shape,
     *                               or contains a schema that is not valid Avro
     */
    public LocalSchemaRegistry(final Path dataFolder, final int port, final Optional<String> basicAuthUserInfo)
            throws IOException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Invalid port " + port + ": expected 0 (any free port) to 65535");
        }
        Files.createDirectories(dataFolder);
        this.file = new RegistryFile(dataFolder);
        file.removeLeftoverTemporaryFiles();
        final Optional<SchemaStore.State> stored = file.read();
        if (stored.isPresent()) {
            try {
                store.restore(stored.get());
            } catch (final IllegalArgumentException | RegistryException e) {
                throw file.unreadable(e);
            }
        }
        this.expectedAuthorization = basicAuthUserInfo.map(info -> ("Basic "
                + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII));

        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        final AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            final Thread thread = new Thread(runnable, "schema-registry-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.url = "http://127.0.0.1:" + server.getAddress().getPort();
        LOG.info("Schema Registry started at {} with data folder {} ({} subjects, authentication {})",
                url(), dataFolder.toAbsolutePath(), store.subjects().size(),
                basicAuthUserInfo.isPresent() ? "on" : "off");
    }

    /**
     * Starts a registry from the command line until the process is stopped.
     * Arguments: data folder, then optionally the port (default 8081).
     */
    public static void main(final String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("Usage: LocalSchemaRegistry <data folder> [port, default 8081]");
            System.exit(2);
        }
        final int port = args.length == 2 ? parsePort(args[1]) : 8081;
        final LocalSchemaRegistry registry = new LocalSchemaRegistry(Path.of(args[0]), port);
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "schema-registry-shutdown"));
    }

    /** Returns the base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return url;
    }

    /** Returns the data file, {@code schema-registry.json} in the data folder, which may not exist yet. */
    public Path dataFile() {
        return file.path();
    }

    /** Returns the number of HTTP requests received since start, rejected ones included. */
    public long requestCount() {
        return requestCount.get();
    }

    /** Returns the in-memory store, for tests that inspect or prepare the registry directly. */
    public SchemaStore store() {
        return store;
    }

    /** Stops the server; the data file is already up to date. */
    @Override
    public void close() {
        // stop(n) on JDK 17 waits the full n seconds even when idle, so stop at once and let running
        // handlers finish through the executor instead.
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Schema Registry at {} stopped with requests still running", url());
                executor.shutdownNow();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        LOG.info("Schema Registry at {} stopped after {} requests", url(), requestCount.get());
    }

    private void handle(final HttpExchange exchange) throws IOException {
        requestCount.incrementAndGet();
        try (exchange) {
            if (!isAuthorized(exchange)) {
                LOG.warn("Schema Registry rejected {} {} from {}: missing or wrong basic-auth credentials",
                        exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), exchange.getRemoteAddress());
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
                sendError(exchange, new RegistryException(401, 401, "Unauthorized"));
                return;
            }
            try {
                final JsonNode response = route(exchange);
                send(exchange, 200, response);
            } catch (final RegistryException e) {
                LOG.info("Schema Registry rejected {} {}: HTTP {}, error code {}: {}", exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), e.httpStatus(), e.errorCode(), e.getMessage());
                sendError(exchange, e);
            } catch (final RuntimeException | IOException e) {
                LOG.error("Schema Registry request {} {} failed", exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), e);
                sendError(exchange, new RegistryException(500, 50001, "Error in the backend data store: " + e));
            }
        }
    }

    private boolean isAuthorized(final HttpExchange exchange) {
        if (expectedAuthorization.isEmpty()) {
            return true;
        }
        final String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null
                && MessageDigest.isEqual(expectedAuthorization.get(), header.getBytes(StandardCharsets.US_ASCII));
    }

    private JsonNode route(final HttpExchange exchange) throws IOException {
        final String method = exchange.getRequestMethod();
        final List<String> path = segments(exchange.getRequestURI().getRawPath());
        final String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
        final int size = path.size();

        if (size == 0) {
            requireMethod(method, "GET");
            return MAPPER.createObjectNode();
        }
        switch (path.get(0)) {
            case "subjects" -> {
                if (size == 1) {
                    requireMethod(method, "GET");
                    return MAPPER.valueToTree(store.subjects());
                }
                final String subject = path.get(1);
                if (size == 2) {
                    requireMethod(method, "POST");
                    return versionJson(store.lookup(subject, schemaFromBody(exchange)));
                }
                if (size == 3 && path.get(2).equals("versions")) {
                    if (method.equals("GET")) {
                        return MAPPER.valueToTree(store.versions(subject));
                    }
                    requireMethod(method, "POST");
                    return register(subject, schemaFromBody(exchange));
                }
                if (size == 4 && path.get(2).equals("versions")) {
                    requireMethod(method, "GET");
                    return versionJson(store.version(subject, path.get(3)));
                }
                if (size == 5 && path.get(2).equals("versions") && path.get(4).equals("schema")) {
                    requireMethod(method, "GET");
                    return MAPPER.readTree(store.version(subject, path.get(3)).schema());
                }
            }
            case "schemas" -> {
                if (size == 3 && path.get(1).equals("ids")) {
                    requireMethod(method, "GET");
                    return MAPPER.createObjectNode().put("schema", store.schemaById(parseId(path.get(2))));
                }
            }
            case "config" -> {
                if (size == 1) {
                    return method.equals("PUT")
                            ? setCompatibility(Optional.empty(), exchange)
                            : compatibilityJson(getOnly(method, store.globalCompatibility()));
                }
                if (size == 2) {
                    final String subject = path.get(1);
                    if (method.equals("PUT")) {
                        return setCompatibility(Optional.of(subject), exchange);
                    }
                    if (method.equals("DELETE")) {
                        return compatibilityJson(removeSubjectCompatibility(subject));
                    }
                    requireMethod(method, "GET");
                    return compatibilityJson(subjectCompatibility(subject, query.contains("defaultToGlobal=true")));
                }
            }
            case "compatibility" -> {
                if ((size == 4 || size == 5) && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
                    requireMethod(method, "POST");
                    // Without a version, the check covers the versions that the subject's level covers.
                    final String version = size == 5 ? path.get(4) : "latest";
                    final List<String> problems = store.checkCompatibility(path.get(2), version,
                            schemaFromBody(exchange));
                    final ObjectNode result = MAPPER.createObjectNode().put("is_compatible", problems.isEmpty());
                    if (query.contains("verbose=true")) {
                        problems.forEach(result.putArray("messages")::add);
                    }
                    return result;
                }
            }
            default -> {
                // Reported below as not found.
            }
        }
        throw new RegistryException(404, 404, "HTTP 404 Not Found");
    }

    private JsonNode register(final String subject, final String schema) throws IOException {
        final SchemaStore.Registration registration;
        synchronized (writeLock) {
            final SchemaStore candidate = store.copy();
            registration = candidate.register(subject, schema);
            if (registration.created()) {
                persistAndApply(candidate);
            }
        }
        if (registration.created()) {
            LOG.info("Registered schema under subject {} as version {} with id {}", subject,
                    registration.schema().version(), registration.schema().id());
        }
        return MAPPER.createObjectNode().put("id", registration.schema().id());
    }

    private JsonNode setCompatibility(final Optional<String> subject, final HttpExchange exchange) throws IOException {
        final JsonNode body = readBody(exchange);
        final JsonNode levelNode = body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        if (levelNode == null || !levelNode.isTextual()) {
            throw RegistryException.unprocessable("Request body must contain \"compatibility\", for example"
                    + " {\"compatibility\": \"BACKWARD\"}.");
        }
        final CompatibilityLevel level = CompatibilityLevel.parse(levelNode.asText());
        synchronized (writeLock) {
            final SchemaStore candidate = store.copy();
            if (subject.isPresent()) {
                candidate.setSubjectCompatibility(subject.get(), level);
            } else {
                candidate.setGlobalCompatibility(level);
            }
            persistAndApply(candidate);
        }
        LOG.info("Set compatibility of {} to {}", subject.map(s -> "subject " + s).orElse("the registry"), level);
        return MAPPER.createObjectNode().put("compatibility", level.name());
    }

    /** Removes a subject's own level, so the global one applies again, and returns the removed level. */
    private CompatibilityLevel removeSubjectCompatibility(final String subject) {
        final CompatibilityLevel removed;
        synchronized (writeLock) {
            final SchemaStore candidate = store.copy();
            removed = candidate.removeSubjectCompatibility(subject).orElseThrow(() -> noSubjectCompatibility(subject));
            persistAndApply(candidate);
        }
        LOG.info("Removed compatibility {} of subject {}; the global level {} applies", removed, subject,
                store.globalCompatibility());
        return removed;
    }

    private CompatibilityLevel subjectCompatibility(final String subject, final boolean defaultToGlobal) {
        final Optional<CompatibilityLevel> own = store.subjectCompatibility(subject);
        if (own.isPresent()) {
            return own.get();
        }
        if (defaultToGlobal) {
            return store.globalCompatibility();
        }
        throw noSubjectCompatibility(subject);
    }

    private static RegistryException noSubjectCompatibility(final String subject) {
        return new RegistryException(404, RegistryException.SUBJECT_COMPATIBILITY_NOT_FOUND, "Subject '" + subject
                + "' does not have subject-level compatibility configured; add ?defaultToGlobal=true for the"
                + " global level.");
    }

    /**
     * Writes the changed copy to disk and only then makes it the served state. A request on
     * another thread thus never receives an id that a kill or a failed write could still lose, and a
     * restarted registry cannot give that id to another schema.
     */
    private void persistAndApply(final SchemaStore candidate) {
        final SchemaStore.State changed = candidate.state();
        try {
            file.write(changed);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write " + file.path() + "; the change was not applied", e);
        }
        store.restore(changed);
    }

    private static String schemaFromBody(final HttpExchange exchange) throws IOException {
        final JsonNode body = readBody(exchange);
        final JsonNode schemaType = body.get("schemaType");
        if (schemaType != null && !schemaType.isNull() && !"AVRO".equals(schemaType.asText())) {
            throw RegistryException.invalidSchema("schemaType " + schemaType.asText()
                    + " is not supported; this registry stores only AVRO schemas.");
        }
        final JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw RegistryException.invalidSchema("schema references are not supported; embed the referenced"
                    + " types in the schema.");
        }
        final JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryException.unprocessable("Request body must contain \"schema\" with the schema as a JSON"
                    + " string, for example {\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}.");
        }
        return schema.asText();
    }

    private static JsonNode readBody(final HttpExchange exchange) throws IOException {
        final byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            // Reading one byte past the cap distinguishes an oversized body from one of exactly the cap.
            bytes = in.readNBytes(MAX_REQUEST_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_REQUEST_BODY_BYTES) {
            throw new RegistryException(413, 413, "Request body is larger than " + MAX_REQUEST_BODY_BYTES
                    + " bytes. Send a smaller schema.");
        }
        try {
            final JsonNode body = MAPPER.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw RegistryException.unprocessable("Request body must be a JSON object.");
            }
            return body;
        } catch (final JsonProcessingException e) {
            throw RegistryException.unprocessable("Request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static ObjectNode versionJson(final RegisteredSchema version) {
        return MAPPER.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema());
    }

    private static ObjectNode compatibilityJson(final CompatibilityLevel level) {
        return MAPPER.createObjectNode().put("compatibilityLevel", level.name());
    }

    private static <T> T getOnly(final String method, final T value) {
        requireMethod(method, "GET");
        return value;
    }

    private static void requireMethod(final String actual, final String expected) {
        if (!actual.equals(expected)) {
            throw new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
        }
    }

    private static int parseId(final String text) {
        try {
            return Integer.parseInt(text);
        } catch (final NumberFormatException e) {
            throw RegistryException.schemaNotFound("'" + text + "' is not a schema id");
        }
    }

    private static int parsePort(final String text) {
        try {
            return Integer.parseInt(text);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("Invalid port '" + text + "': expected a number from 0 to 65535", e);
        }
    }

    /** Splits a raw path into URL-decoded segments, so an encoded '/' stays inside a subject name. */
    private static List<String> segments(final String rawPath) {
        final List<String> segments = new ArrayList<>();
        for (final String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static void sendError(final HttpExchange exchange, final RegistryException error) throws IOException {
        final ObjectNode body = MAPPER.createObjectNode()
                .put("error_code", error.errorCode())
                .put("message", error.getMessage());
        send(exchange, error.httpStatus(), body);
    }

    private static void send(final HttpExchange exchange, final int status, final JsonNode body) throws IOException {
        final byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
