package dev.permwatch.local.eos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The permission-group lists that one source returns, one per step, and the mutations that led
 * from each list to the next.
 *
 * <p>Lists share unchanged {@link PermissionGroup} instances between steps, so callers must not
 * modify the groups.
 *
 * @param name      poller source name, for example {@code user} or {@code account1}; never null
 * @param source    the source; never null
 * @param sourceKey {@link Sources#key(Source)} of {@code source}; never null
 * @param lists     the list returned at each step (index = step), at least 2; never null
 * @param mutations the mutations applied at each step (index = step), empty at step 0; never null
 */
public record SourceSeries(String name, Source source, String sourceKey, List<List<PermissionGroup>> lists,
                           List<List<Mutation>> mutations) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public SourceSeries {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceKey, "sourceKey");
        if (!sourceKey.equals(Sources.key(source))) {
            throw new IllegalArgumentException("Source key '" + sourceKey + "' of series " + name
                    + " does not match its source; pass Sources.key(source), here '" + Sources.key(source) + "'");
        }
        lists = lists.stream().map(List::copyOf).toList();
        mutations = mutations.stream().map(List::copyOf).toList();
        if (lists.size() < 2) {
            throw new IllegalArgumentException("Series " + name + " has " + lists.size()
                    + " lists; a series needs a baseline and at least one later step");
        }
        if (lists.size() != mutations.size()) {
            throw new IllegalArgumentException("Series " + name + " has " + lists.size() + " lists but "
                    + mutations.size() + " mutation lists; pass one mutation list per step, empty at step 0");
        }
        if (!mutations.get(0).isEmpty()) {
            throw new IllegalArgumentException("Series " + name + " lists " + mutations.get(0).size()
                    + " mutations at step 0; step 0 is the baseline and has none");
        }
    }

    /** Returns the number of steps, step 0 (the baseline) included. */
    public int steps() {
        return lists.size();
    }

    /**
     * Returns the API response body of a step, as Cloudflare sends it:
     * {@code {"success":true,"errors":[],"messages":[],"result":[...]}}. Items keep the list order;
     * a null description or null scopes are left out of the item, as the API leaves them out.
     *
     * @param step 0 to {@link #steps()} - 1
     * @return UTF-8 JSON, the same bytes for the same list; never null
     * @throws IllegalArgumentException if {@code step} is out of range
     */
    public byte[] responseBody(final int step) {
        if (step < 0 || step >= lists.size()) {
            throw new IllegalArgumentException("Invalid step " + step + " of series " + name
                    + ": expected 0 to " + (lists.size() - 1));
        }
        final ObjectNode body = MAPPER.createObjectNode();
        body.put("success", true);
        body.putArray("errors");
        body.putArray("messages");
        final ArrayNode result = body.putArray("result");
        for (final PermissionGroup group : lists.get(step)) {
            result.add(item(group));
        }
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the response body of step " + step + " of series " + name, e);
        }
    }

    private static ObjectNode item(final PermissionGroup group) {
        final ObjectNode item = MAPPER.createObjectNode();
        item.put("id", group.getId());
        item.put("name", group.getName());
        if (group.getDescription() != null) {
            item.put("description", group.getDescription());
        }
        if (group.getScopes() != null) {
            final ArrayNode scopes = item.putArray("scopes");
            group.getScopes().forEach(scopes::add);
        }
        final Map<String, String> extraFields = group.getExtraFields() == null ? Map.of() : group.getExtraFields();
        for (final Map.Entry<String, String> extra : extraFields.entrySet()) {
            try {
                item.set(extra.getKey(), MAPPER.readTree(extra.getValue()));
            } catch (final JsonProcessingException e) {
                throw new IllegalArgumentException("Extra field '" + extra.getKey() + "' of group " + group.getId()
                        + " is not JSON text: " + e.getOriginalMessage(), e);
            }
        }
        return item;
    }
}
