package dev.permwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.permwatch.registry.RegisteredSchema;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Schema Registry client over the Confluent REST API, using the JDK HTTP client.
 *
 * <p>Each request tries the configured URLs in order, starting with the last one that responded,
 * and moves to the next only when no response arrives (connection refused, connect or request
 * timeout). An error response is final. Basic-auth credentials are sent as an
 * {@code Authorization} header and never appear in logs or exception messages.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** Media type of Confluent's REST API v1, sent as Content-Type and Accept. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Maximum number of characters of a non-JSON error body quoted in an exception message. */
    private static final int MAX_QUOTED_BODY = 200;

    private final List<URI> baseUrls;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final HttpClient http;
    private volatile int preferredUrl;

    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();

    /**
     * Creates a client.
     *
     * @param baseUrls       registry URLs, tried in order; user info in them is ignored here
     * @param userInfo       {@code user:password} for basic auth, or empty for none
     * @param connectTimeout connect timeout per URL
     * @param requestTimeout timeout of one request, connect time excluded
     */
    public RestSchemaRegistryClient(final List<URI> baseUrls, final Optional<String> userInfo,
                                    final Duration connectTimeout, final Duration requestTimeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("At least one Schema Registry URL is required");
        }
        final List<URI> withoutCredentials = new ArrayList<>();
        for (final URI url : baseUrls) {
            withoutCredentials.add(stripUserInfo(url));
        }
        this.baseUrls = List.copyOf(withoutCredentials);
        this.authorization = userInfo.map(info -> "Basic "
                + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Creates a client from serde configuration (URLs, credentials and timeouts). */
    public RestSchemaRegistryClient(final AvroSerdeConfig config) {
        this(config.schemaRegistryUrls(), config.basicAuthUserInfo(), config.connectTimeout(),
                config.requestTimeout());
    }

    @Override
    public int register(final String subject, final Schema schema) {
        final Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        final JsonNode response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "registering a schema under subject '" + subject + "'");
        final int id = requireInt(response, "id", "registering under subject '" + subject + "'");
        remember(subject, schema, id);
        return id;
    }

    @Override
    public int getId(final String subject, final Schema schema) {
        final Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        final JsonNode response = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                "looking up a schema under subject '" + subject + "'");
        final int id = requireInt(response, "id", "looking up under subject '" + subject + "'");
        remember(subject, schema, id);
        return id;
    }

    @Override
    public Schema getSchemaById(final int id) {
        final Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        final String action = "fetching schema id " + id;
        final JsonNode response = send("GET", "/schemas/ids/" + id, null, action);
        final Schema schema = parseSchema(requireText(response, "schema", action), action);
        schemasById.putIfAbsent(id, schema);
        return schemasById.get(id);
    }

    @Override
    public RegisteredSchema getLatestSchemaMetadata(final String subject) {
        final RegisteredSchema cached = latestBySubject.get(subject);
        if (cached != null) {
            return cached;
        }
        final String action = "fetching the latest version of subject '" + subject + "'";
        final JsonNode response = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null, action);
        final RegisteredSchema latest = new RegisteredSchema(subject, requireInt(response, "version", action),
                requireInt(response, "id", action), requireText(response, "schema", action));
        schemasById.putIfAbsent(latest.id(), parseSchema(latest.schema(), action));
        latestBySubject.putIfAbsent(subject, latest);
        return latestBySubject.get(subject);
    }

    @Override
    public void close() {
        // NOTE: HttpClient has no close() before Java 21; its threads end when it is unreachable.
    }

    private void remember(final String subject, final Schema schema, final int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    /**
     * Sends one request, trying each URL until one responds, and returns the parsed JSON body of a
     * 2xx response. {@code action} describes the request for error messages.
     */
    private JsonNode send(final String method, final String path, final String body, final String action) {
        IOException lastFailure = null;
        final int start = preferredUrl;
        for (int attempt = 0; attempt < baseUrls.size(); attempt++) {
            final int index = (start + attempt) % baseUrls.size();
            final URI baseUrl = baseUrls.get(index);
            final HttpResponse<String> response;
            try {
                response = http.send(buildRequest(baseUrl, method, path, body), HttpResponse.BodyHandlers.ofString());
            } catch (final IOException e) {
                LOG.warn("Schema Registry {} did not respond while {}: {}", baseUrl, action, e.toString());
                lastFailure = e;
                continue;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while " + action + " at " + baseUrl, e);
            }
            preferredUrl = index;
            return handleResponse(baseUrl, response, action);
        }
        throw new SchemaRegistryException("No Schema Registry responded while " + action + "; tried " + baseUrls
                + ", last error: " + lastFailure + ". Check that schema.registry.url is correct and the registry"
                + " is running.", lastFailure);
    }

    private HttpRequest buildRequest(final URI baseUrl, final String method, final String path, final String body) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(baseUrl, path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE);
        authorization.ifPresent(value -> builder.header("Authorization", value));
        if (body == null) {
            builder.GET();
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static JsonNode handleResponse(final URI baseUrl, final HttpResponse<String> response,
                                           final String action) {
        final int status = response.statusCode();
        final JsonNode json = parseJson(response.body());
        if (status >= 200 && status < 300 && json != null) {
            return json;
        }
        if (status >= 200 && status < 300) {
            throw new SchemaRegistryException("Schema Registry " + baseUrl + " returned HTTP " + status
                    + " with a body that is not JSON while " + action + ": '" + quote(response.body())
                    + "'. Check that schema.registry.url points at a Schema Registry.", status, status);
        }

        final int errorCode = json != null && json.path("error_code").isInt() ? json.get("error_code").asInt() : status;
        final String registryMessage = json != null && json.path("message").isTextual()
                ? json.get("message").asText()
                : quote(response.body());
        throw new SchemaRegistryException("Schema Registry " + baseUrl + " rejected " + action + ": HTTP " + status
                + ", error code " + errorCode + ", message '" + registryMessage + "'. " + advice(status, errorCode),
                status, errorCode);
    }

    private static String advice(final int status, final int errorCode) {
        if (status == 401 || status == 403) {
            return "Check basic.auth.credentials.source and basic.auth.user.info.";
        }
        return switch (errorCode) {
            case 40401, 40403 -> "Register the schema first, or set auto.register.schemas=true.";
            case 40402 -> "Check the version number.";
            case 409 -> "Make the change BACKWARD compatible (add fields with a default, never remove or rename"
                    + " a field without an alias) or change the subject's compatibility level.";
            case 42201 -> "Fix the schema so that Avro can parse it.";
            default -> status >= 500 ? "Retry later or check the registry's log." : "Check the request.";
        };
    }

    private static JsonNode parseJson(final String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (final JsonProcessingException e) {
            return null;
        }
    }

    private static String schemaBody(final Schema schema) {
        return MAPPER.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static int requireInt(final JsonNode response, final String field, final String action) {
        final JsonNode value = response.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException("Schema Registry response to " + action + " lacks the integer field '"
                    + field + "'. Check that schema.registry.url points at a Confluent-compatible registry.",
                    200, 200);
        }
        return value.asInt();
    }

    private static String requireText(final JsonNode response, final String field, final String action) {
        final JsonNode value = response.get(field);
        if (value == null || !value.isTextual()) {
            throw new SchemaRegistryException("Schema Registry response to " + action + " lacks the text field '"
                    + field + "'. Check that schema.registry.url points at a Confluent-compatible registry.",
                    200, 200);
        }
        return value.asText();
    }

    private static Schema parseSchema(final String text, final String action) {
        try {
            return new Schema.Parser().parse(text);
        } catch (final AvroRuntimeException e) {
            throw new SchemaRegistryException("Schema Registry returned a schema that Avro cannot parse while "
                    + action + ": " + e.getMessage() + ". Only Avro schemas are supported.", 200, 200);
        }
    }

    private static URI resolve(final URI baseUrl, final String path) {
        final String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }

    private static URI stripUserInfo(final URI url) {
        if (url.getRawUserInfo() == null) {
            return url;
        }
        return URI.create(url.getScheme() + "://" + url.getRawAuthority().substring(url.getRawAuthority().indexOf('@') + 1)
                + (url.getRawPath() == null ? "" : url.getRawPath()));
    }

    /** Encodes a subject as one path segment, so '/' and spaces in a subject name survive. */
    private static String encode(final String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String quote(final String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= MAX_QUOTED_BODY ? body : body.substring(0, MAX_QUOTED_BODY) + "...";
    }
}
