package dev.permwatch.registry;

/**
 * One version of a subject: the subject name, its version number (from 1), the global schema id
 * and the schema as JSON text.
 */
public record RegisteredSchema(String subject, int version, int id, String schema) {
}
