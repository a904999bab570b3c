package dev.permwatch.local.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.local.soak.FaultyApiServer.Break;
import dev.permwatch.local.soak.FaultyApiServer.Broken;
import dev.permwatch.local.soak.FaultyApiServer.Complete;
import dev.permwatch.local.soak.FaultyApiServer.Reply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds the API response for a recorded list, whole or with one {@link FaultKind} applied. */
final class FaultResponses {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = "application/json; charset=utf-8";

    private final List<byte[]> bodies;
    private final List<ObjectNode> envelopes;
    private final long maxBodyBytes;
    private final Duration stall;

    /**
     * @param bodies       the recorded response bodies, each a valid permission-group list
     * @param maxBodyBytes the poller's body cap; {@link FaultKind#BODY_TOO_LARGE} exceeds it
     * @param stall        how long {@link FaultKind#READ_TIMEOUT} stalls, longer than the request timeout
     */
    FaultResponses(final List<byte[]> bodies, final long maxBodyBytes, final Duration stall) {
        this.bodies = List.copyOf(bodies);
        this.envelopes = new ArrayList<>();
        for (final byte[] body : bodies) {
            try {
                envelopes.add((ObjectNode) MAPPER.readTree(body));
            } catch (final java.io.IOException | ClassCastException e) {
                throw new IllegalArgumentException("A recorded list is not a JSON object: " + e.getMessage(), e);
            }
        }
        this.maxBodyBytes = maxBodyBytes;
        this.stall = stall;
    }

    /** Returns the recorded list as the API sends it. */
    Complete full(final int listIndex) {
        return json(200, bodies.get(listIndex));
    }

    /**
     * Returns the response of {@code kind} for a list.
     *
     * @param random chooses which item a fault changes; the same seed gives the same responses
     */
    Reply faulty(final FaultKind kind, final int listIndex, final int partialDrop, final Random random) {
        final byte[] body = bodies.get(listIndex);
        return switch (kind) {
            case HTTP_5XX -> new Complete(502, Map.of("Content-Type", "text/html; charset=utf-8"),
                    utf8("<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"));
            case HTTP_429 -> rateLimited();
            case READ_TIMEOUT -> new Broken(full(listIndex), Break.STALL, stall);
            case CONNECTION_RESET -> new Broken(full(listIndex), Break.RESET, Duration.ZERO);
            case CLOSED_MID_BODY -> new Broken(full(listIndex), Break.CLOSE, Duration.ZERO);
            case NOT_JSON -> json(200, utf8("<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"));
            case TRUNCATED_JSON -> json(200, Arrays.copyOf(body, body.length * 3 / 5));
            case WRONG_CONTENT_TYPE -> new Complete(200, Map.of("Content-Type", "text/html; charset=utf-8"), body);
            case BODY_TOO_LARGE -> json(200, oversized(listIndex));
            case API_ERROR_9109 -> json(200, apiError(9109, "Unauthorized to access requested resource"));
            case API_ERROR_971 -> json(200, apiError(971, "Please wait and consider throttling your request speed"));
            case RESULT_NOT_LIST -> json(200, withResult(envelope(listIndex).get("result").get(0)));
            case EMPTY_LIST -> json(200, withResult(MAPPER.createArrayNode()));
            case ITEM_WITHOUT_ID -> json(200, withItemChange(listIndex, random, item -> item.remove("id")));
            case BAD_ID -> json(200, withItemChange(listIndex, random, item -> item.put("id", "not-a-permission-id")));
            case DUPLICATE_IDS -> json(200, duplicated(listIndex, random));
            case MEMBER_ROLE_META -> json(200, withItemChange(listIndex, random,
                    item -> item.putObject("meta").put("label", "member role").put("scopes", "com.cloudflare.api.account")));
            case PARTIAL_LIST -> json(200, partial(listIndex, partialDrop, random));
        };
    }

    private static Complete rateLimited() {
        return new Complete(429, Map.of(
                "Content-Type", JSON,
                // Longer than the poller's maximum backoff, so a persistent 429 ends the poll at once.
                "retry-after", "600",
                "x-ratelimit-limit", "1200",
                "x-ratelimit-remaining", "0",
                "x-ratelimit-reset", "600"),
                apiError(971, "Please wait and consider throttling your request speed"));
    }

    private ObjectNode envelope(final int listIndex) {
        return envelopes.get(listIndex).deepCopy();
    }

    private byte[] withResult(final JsonNode result) {
        final ObjectNode envelope = MAPPER.createObjectNode();
        envelope.put("success", true);
        envelope.putArray("errors");
        envelope.putArray("messages");
        envelope.set("result", result);
        return write(envelope);
    }

    private byte[] withItemChange(final int listIndex, final Random random,
                                  final java.util.function.Consumer<ObjectNode> change) {
        final ObjectNode envelope = envelope(listIndex);
        final ArrayNode result = (ArrayNode) envelope.get("result");
        change.accept((ObjectNode) result.get(random.nextInt(result.size())));
        return write(envelope);
    }

    private byte[] duplicated(final int listIndex, final Random random) {
        final ObjectNode envelope = envelope(listIndex);
        final ArrayNode result = (ArrayNode) envelope.get("result");
        result.add(result.get(random.nextInt(result.size())).deepCopy());
        return write(envelope);
    }

    private byte[] partial(final int listIndex, final int drop, final Random random) {
        final ObjectNode envelope = envelope(listIndex);
        final ArrayNode result = (ArrayNode) envelope.get("result");
        for (int i = 0; i < drop && result.size() > 1; i++) {
            result.remove(random.nextInt(result.size()));
        }
        return write(envelope);
    }

    /** Returns the list with a padding field that makes the body larger than the cap. */
    private byte[] oversized(final int listIndex) {
        final ObjectNode envelope = envelope(listIndex);
        envelope.putArray("messages").add("x".repeat((int) Math.min(Integer.MAX_VALUE - 1024, maxBodyBytes + 1)));
        return write(envelope);
    }

    private static byte[] apiError(final int code, final String message) {
        return utf8("{\"success\":false,\"errors\":[{\"code\":" + code + ",\"message\":\"" + message
                + "\"}],\"messages\":[],\"result\":null}");
    }

    private static Complete json(final int status, final byte[] body) {
        return new Complete(status, Map.of("Content-Type", JSON), body);
    }

    private static byte[] write(final JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a soak response as JSON", e);
        }
    }

    private static byte[] utf8(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
