package dev.permwatch.poller.cloudflare;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.avro.PermissionGroup;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Parses the body of {@code GET .../tokens/permission_groups} into permission groups.
 *
 * <p>A body is accepted only when it is one JSON object with {@code success: true} and a
 * non-empty {@code result} list of objects, each with a unique 32-character lowercase hex
 * {@code id} and a non-blank string {@code name}. Everything else is rejected, because a partial
 * or odd list would look like mass removals downstream: a list that cannot be trusted is unknown,
 * never empty.
 *
 * <p>{@code description} (kept exactly, trailing newlines included) and {@code scopes} map to
 * their record fields and stay null when absent or JSON null. Every other item field goes into
 * {@code extraFields} as canonical JSON text: object keys sorted, and decimal numbers without
 * trailing zeros in plain notation, so {@code 0.10}, {@code 0.1} and {@code 1e-1} give the same
 * text. An item field whose value is JSON null is left out, like an absent one.
 *
 * <p>An optional {@code result_info} must describe one complete page: {@code total_pages}, when
 * present, an integer no greater than 1, and {@code total_count}, when present, an integer equal
 * to the number of items.
 *
 * <p>Instances are thread-safe.
 */
public final class PermissionGroupListParser {

    private static final Pattern PERMISSION_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Set<String> RECORD_FIELDS = Set.of("id", "name", "description", "scopes");

    /** The member-role list ({@code /accounts/{id}/iam/permission_groups}) has this item field. */
    private static final String MEMBER_ROLE_MARKER = "meta";

    /** Maximum length of a value quoted in an error message. Longer values are cut. */
    private static final int MAX_QUOTED_CHARS = 80;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            // Already the Jackson 2.x default; set here because canonical numbers depend on it.
            .enable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /**
     * Parses a response body.
     *
     * @param body the raw body, never null
     * @return the groups in response order, never empty
     * @throws InvalidResponseException if the body is not a complete permission-group list. The
     *                                  message names the rule that failed and where
     */
    public List<PermissionGroup> parse(final byte[] body) throws InvalidResponseException {
        final JsonNode root = readTree(body);
        checkEnvelope(root);

        final JsonNode result = root.get("result");
        final List<PermissionGroup> groups = new ArrayList<>(result.size());
        final Map<String, Integer> indexById = new HashMap<>();
        for (int index = 0; index < result.size(); index++) {
            final PermissionGroup group = parseItem(result.get(index), index);
            final Integer earlier = indexById.putIfAbsent(group.getId(), index);
            if (earlier != null) {
                throw new InvalidResponseException("result[" + index + "].id '" + group.getId()
                        + "' repeats the id of result[" + earlier + "]; ids must be unique in a list");
            }
            groups.add(group);
        }
        return groups;
    }

    /**
     * Returns the {@code errors} of a Cloudflare envelope, for failure reports on any status.
     * Never throws: a body that is not an envelope yields an empty list.
     */
    public List<CloudflareError> cloudflareErrors(final byte[] body) {
        try {
            return errorsOf(mapper.readTree(body));
        } catch (final IOException | RuntimeException e) {
            return List.of();
        }
    }

    private JsonNode readTree(final byte[] body) throws InvalidResponseException {
        if (body.length == 0) {
            throw new InvalidResponseException("The body is empty, expected a JSON object");
        }
        final JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (final JsonEOFException e) {
            throw new InvalidResponseException("The body is truncated JSON: it ends inside a value at byte "
                    + e.getLocation().getByteOffset() + " of " + body.length);
        } catch (final StreamReadException e) {
            throw new InvalidResponseException("The body is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (final JsonProcessingException e) {
            throw new InvalidResponseException("The body is not valid JSON: " + e.getOriginalMessage());
        } catch (final IOException e) {
            throw new InvalidResponseException("The body cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidResponseException("The body contains only whitespace, expected a JSON object");
        }
        if (!root.isObject()) {
            throw new InvalidResponseException("The body is a JSON " + typeName(root) + ", expected an object");
        }
        return root;
    }

    private static void checkEnvelope(final JsonNode root) throws InvalidResponseException {
        final JsonNode success = root.get("success");
        if (success == null) {
            throw new InvalidResponseException("The envelope has no 'success' field, so it is not a Cloudflare API response");
        }
        if (!success.isBoolean()) {
            throw new InvalidResponseException("The envelope field 'success' is a " + typeName(success) + ", expected a boolean");
        }
        if (!success.booleanValue()) {
            final List<CloudflareError> errors = errorsOf(root);
            throw new InvalidResponseException("Cloudflare reported success: false with errors " + errors,
                    errors, true);
        }

        final JsonNode result = root.get("result");
        if (result == null) {
            throw new InvalidResponseException("The envelope has no 'result' field");
        }
        if (result.isNull()) {
            throw new InvalidResponseException("The envelope field 'result' is null, expected a list of permission groups");
        }
        if (!result.isArray()) {
            throw new InvalidResponseException("The envelope field 'result' is a " + typeName(result)
                    + ", expected a list of permission groups");
        }
        if (result.isEmpty()) {
            throw new InvalidResponseException("The envelope field 'result' is an empty list; every"
                    + " token has some permission groups, so an empty list is never taken as a snapshot");
        }

        checkResultInfo(root.get("result_info"), result.size());
    }

    /**
     * Rejects a {@code result_info} that marks the list as partial or that cannot be read. A JSON
     * null field counts as absent.
     */
    private static void checkResultInfo(final JsonNode resultInfo, final int itemCount) throws InvalidResponseException {
        if (resultInfo == null || resultInfo.isNull()) {
            return;
        }
        if (!resultInfo.isObject()) {
            throw new InvalidResponseException("The envelope field 'result_info' is a " + typeName(resultInfo)
                    + ", expected an object with the page counts");
        }

        final JsonNode totalPages = resultInfo.get("total_pages");
        if (totalPages != null && !totalPages.isNull()) {
            if (!totalPages.isIntegralNumber()) {
                throw new InvalidResponseException("result_info.total_pages is " + describe(totalPages)
                        + ", expected an integer, so whether the list is complete is unknown");
            }
            if (totalPages.asLong() > 1) {
                throw new InvalidResponseException("The response is page " + resultInfo.path("page").asText("?")
                        + " of " + totalPages.asLong() + " (result_info.total_pages), so it holds only part of the list");
            }
        }

        final JsonNode totalCount = resultInfo.get("total_count");
        if (totalCount != null && !totalCount.isNull()) {
            if (!totalCount.isIntegralNumber()) {
                throw new InvalidResponseException("result_info.total_count is " + describe(totalCount)
                        + ", expected an integer, so whether the list is complete is unknown");
            }
            if (totalCount.bigIntegerValue().compareTo(BigInteger.valueOf(itemCount)) != 0) {
                throw new InvalidResponseException("result_info.total_count is " + totalCount.bigIntegerValue()
                        + " but the item count of 'result' is " + itemCount + ", so the response holds only part of the list");
            }
        }
    }

    private PermissionGroup parseItem(final JsonNode item, final int index) throws InvalidResponseException {
        final String at = "result[" + index + "]";
        if (!item.isObject()) {
            throw new InvalidResponseException(at + " is a " + typeName(item) + ", expected an object");
        }
        if (item.has(MEMBER_ROLE_MARKER)) {
            throw new InvalidResponseException(at + " has a 'meta' field, which marks the member-role"
                    + " list of /accounts/{id}/iam/permission_groups, not the API-token permission-group list");
        }

        final JsonNode id = item.get("id");
        if (id == null || !id.isTextual()) {
            throw new InvalidResponseException(at + ".id is " + describe(id) + ", expected a string of 32 lowercase hex characters");
        }
        if (!PERMISSION_ID.matcher(id.textValue()).matches()) {
            throw new InvalidResponseException(at + ".id '" + quote(id.textValue()) + "' is not 32 lowercase hex characters");
        }

        final JsonNode name = item.get("name");
        if (name == null || !name.isTextual()) {
            throw new InvalidResponseException(at + ".name is " + describe(name) + " (id " + id.textValue()
                    + "), expected a non-empty string");
        }
        if (name.textValue().isBlank()) {
            throw new InvalidResponseException(at + ".name is blank (id " + id.textValue() + "), expected a non-empty string");
        }

        return PermissionGroup.newBuilder()
                .setId(id.textValue())
                .setName(name.textValue())
                .setDescription(parseDescription(item.get("description"), at))
                .setScopes(parseScopes(item.get("scopes"), at))
                .setExtraFields(extraFields(item, at))
                .build();
    }

    /** Returns the description. A JSON null counts as absent, because the value is unknown. */
    private static String parseDescription(final JsonNode description, final String at) throws InvalidResponseException {
        if (description == null || description.isNull()) {
            return null;
        }
        if (!description.isTextual()) {
            throw new InvalidResponseException(at + ".description is a " + typeName(description) + ", expected a string");
        }
        return description.textValue();
    }

    private static List<String> parseScopes(final JsonNode scopes, final String at) throws InvalidResponseException {
        if (scopes == null || scopes.isNull()) {
            return null;
        }
        if (!scopes.isArray()) {
            throw new InvalidResponseException(at + ".scopes is a " + typeName(scopes) + ", expected a list of strings");
        }
        final List<String> values = new ArrayList<>(scopes.size());
        for (int i = 0; i < scopes.size(); i++) {
            final JsonNode scope = scopes.get(i);
            if (!scope.isTextual()) {
                throw new InvalidResponseException(at + ".scopes[" + i + "] is a " + typeName(scope) + ", expected a string");
            }
            values.add(scope.textValue());
        }
        return values;
    }

    /**
     * Returns the item fields without a record field of their own. A JSON null value is unknown,
     * like a null description, so the field is left out and the diff carries its last value forward.
     */
    private Map<String, String> extraFields(final JsonNode item, final String at) throws InvalidResponseException {
        final Map<String, String> extra = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!RECORD_FIELDS.contains(field.getKey()) && !field.getValue().isNull()) {
                extra.put(field.getKey(), canonicalJson(field.getValue(), at + "." + field.getKey()));
            }
        }
        return extra;
    }

    private String canonicalJson(final JsonNode value, final String at) throws InvalidResponseException {
        try {
            return mapper.writeValueAsString(sortedKeys(value));
        } catch (final JsonProcessingException e) {
            // For example a number such as 1e999999999, whose plain notation would need a billion digits.
            throw new InvalidResponseException(at + " cannot be written as canonical JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode sortedKeys(final JsonNode node) {
        if (node.isObject()) {
            final ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            final TreeMap<String, JsonNode> children = new TreeMap<>();
            node.fields().forEachRemaining(child -> children.put(child.getKey(), child.getValue()));
            children.forEach((key, child) -> sorted.set(key, sortedKeys(child)));
            return sorted;
        }
        if (node.isArray()) {
            final ArrayNode sorted = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(child -> sorted.add(sortedKeys(child)));
            return sorted;
        }
        return node;
    }

    private static List<CloudflareError> errorsOf(final JsonNode root) {
        final JsonNode errors = root == null ? null : root.get("errors");
        if (errors == null || !errors.isArray()) {
            return List.of();
        }
        final List<CloudflareError> parsed = new ArrayList<>();
        for (final JsonNode error : errors) {
            final JsonNode code = error.get("code");
            final JsonNode message = error.get("message");
            parsed.add(new CloudflareError(
                    code != null && code.canConvertToInt() ? Integer.valueOf(code.asInt()) : null,
                    message != null && message.isTextual() ? quote(message.textValue()) : null));
        }
        return parsed;
    }

    private static String describe(final JsonNode node) {
        if (node == null) {
            return "missing";
        }
        return "a " + typeName(node) + " (" + quote(node.toString()) + ")";
    }

    private static String typeName(final JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "list";
            case OBJECT -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String quote(final String value) {
        if (value.length() <= MAX_QUOTED_CHARS) {
            return value;
        }
        return value.substring(0, MAX_QUOTED_CHARS) + "... (" + value.length() + " characters)";
    }
}
