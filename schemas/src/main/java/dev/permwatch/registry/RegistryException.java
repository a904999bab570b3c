package dev.permwatch.registry;

/**
 * A request that the Schema Registry rejects, with the HTTP status and the Confluent error code
 * that the REST API returns for it (for example 404 and 40401 when a subject is not found).
 */
public final class RegistryException extends RuntimeException {

    /** Confluent error code for a subject that is not registered. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code for a version that does not exist under a subject. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code for a schema (id or content) that is not registered. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code for a subject without its own compatibility level. */
    public static final int SUBJECT_COMPATIBILITY_NOT_FOUND = 40408;
    /** Confluent error code for a schema that breaks the subject's compatibility level. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent error code for a request body that cannot be processed. */
    public static final int UNPROCESSABLE_ENTITY = 422;
    /** Confluent error code for schema text that Avro cannot parse. */
    public static final int INVALID_SCHEMA = 42201;
    /** Confluent error code for a version that is neither a positive number nor {@code latest}. */
    public static final int INVALID_VERSION = 42202;
    /** Confluent error code for an unknown compatibility level. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int httpStatus;
    private final int errorCode;

    /** Creates an error; {@code message} is sent to the client, so it must not contain secrets. */
    public RegistryException(final int httpStatus, final int errorCode, final String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** Returns the HTTP status of the error response. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Returns the Confluent error code, sent as {@code error_code} in the response body. */
    public int errorCode() {
        return errorCode;
    }

    static RegistryException subjectNotFound(final String subject) {
        return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(final String subject, final int version) {
        return new RegistryException(404, VERSION_NOT_FOUND,
                "Version " + version + " not found under subject '" + subject + "'.");
    }

    static RegistryException schemaNotFound(final String detail) {
        return new RegistryException(404, SCHEMA_NOT_FOUND, "Schema not found: " + detail + ".");
    }

    static RegistryException invalidSchema(final String detail) {
        return new RegistryException(422, INVALID_SCHEMA, "Invalid schema: " + detail);
    }

    static RegistryException unprocessable(final String detail) {
        return new RegistryException(422, UNPROCESSABLE_ENTITY, detail);
    }
}
