package dev.permwatch.serde;

import dev.permwatch.registry.RegisteredSchema;
import dev.permwatch.registry.RegistryException;
import dev.permwatch.registry.SchemaStore;
import org.apache.avro.Schema;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * In-memory Schema Registry client for tests, selected by {@code schema.registry.url=mock://<scope>}.
 * All serdes configured with the same scope share one registry, so a serializer and a
 * deserializer in a {@code TopologyTestDriver} test see the same ids without a server.
 *
 * <p>It follows the same rules as {@link dev.permwatch.registry.LocalSchemaRegistry}: global ids
 * from 1, the same id for an identical schema, and BACKWARD compatibility checks on register.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final SchemaStore store = new SchemaStore();

    /** Creates a private registry that no scope shares. */
    public MockSchemaRegistryClient() {
    }

    /** Returns the registry of a scope, creating it on first use. */
    public static MockSchemaRegistryClient forScope(final String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistryClient());
    }

    /** Forgets the registry of a scope, so the next {@link #forScope} starts empty. */
    public static void dropScope(final String scope) {
        SCOPES.remove(scope);
    }

    /** Returns the store behind this client, for tests that inspect subjects and versions. */
    public SchemaStore store() {
        return store;
    }

    @Override
    public int register(final String subject, final Schema schema) {
        return call(() -> store.register(subject, schema.toString()).schema().id(),
                "registering a schema under subject '" + subject + "'");
    }

    @Override
    public int getId(final String subject, final Schema schema) {
        return call(() -> store.lookup(subject, schema.toString()).id(),
                "looking up a schema under subject '" + subject + "'");
    }

    @Override
    public Schema getSchemaById(final int id) {
        final String text = call(() -> store.schemaById(id), "fetching schema id " + id);
        return new Schema.Parser().parse(text);
    }

    @Override
    public RegisteredSchema getLatestSchemaMetadata(final String subject) {
        return call(() -> store.version(subject, "latest"),
                "fetching the latest version of subject '" + subject + "'");
    }

    private static <T> T call(final Supplier<T> request, final String action) {
        try {
            return request.get();
        } catch (final RegistryException e) {
            throw new SchemaRegistryException("In-memory Schema Registry rejected " + action + ": HTTP "
                    + e.httpStatus() + ", error code " + e.errorCode() + ", message '" + e.getMessage() + "'.",
                    e.httpStatus(), e.errorCode());
        }
    }
}
