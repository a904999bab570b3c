package dev.permwatch.serde;

import dev.permwatch.registry.RegisteredSchema;
import org.apache.avro.Schema;

/**
 * Client of a Confluent-compatible Schema Registry. Implementations cache ids and schemas in both
 * directions, so repeated calls for the same subject and schema or id make no further request.
 * Implementations are thread-safe.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers a schema under a subject, or finds it when the subject already has it, and
     * returns its global id.
     *
     * @throws SchemaRegistryException when the registry rejects the schema (for example 409
     *                                 incompatible) or cannot be reached
     */
    int register(String subject, Schema schema);

    /**
     * Returns the global id of a schema that is already registered under a subject, without
     * registering it.
     *
     * @throws SchemaRegistryException 40401 or 40403 when the subject lacks the schema, or when
     *                                 the registry cannot be reached
     */
    int getId(String subject, Schema schema);

    /**
     * Returns the schema with a global id.
     *
     * @throws SchemaRegistryException 40403 when no schema has the id, or when the registry
     *                                 cannot be reached
     */
    Schema getSchemaById(int id);

    /**
     * Returns the latest version of a subject. {@link RestSchemaRegistryClient} caches the first
     * result per subject for the life of the client, so a version registered later is not seen.
     *
     * @throws SchemaRegistryException 40401 when the subject is unknown, or when the registry
     *                                 cannot be reached
     */
    RegisteredSchema getLatestSchemaMetadata(String subject);

    /** Releases HTTP resources; the default does nothing. */
    @Override
    default void close() {
    }
}
