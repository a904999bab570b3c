package dev.permwatch.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Schema Registry compatibility levels with Confluent's names and meaning.
 *
 * <p>BACKWARD: consumers using the new schema can read data written with the previous one.
 * FORWARD: consumers using the previous schema can read data written with the new one. FULL: both.
 * The {@code _TRANSITIVE} variants check against every earlier version, the others against the
 * latest only. NONE checks nothing.
 */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE;

    /**
     * Parses a level name as sent in a config request, ignoring case.
     *
     * @throws RegistryException with error code 42203 for an unknown name
     */
    public static CompatibilityLevel parse(final String name) {
        if (name != null) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (final IllegalArgumentException e) {
                // Reported below with the list of valid names.
            }
        }
        throw new RegistryException(422, RegistryException.INVALID_COMPATIBILITY_LEVEL,
                "Invalid compatibility level '" + name + "': expected one of " + Arrays.toString(values()) + ".");
    }

    /**
     * Returns why {@code candidate} breaks this level against the existing versions of a subject,
     * oldest first, or an empty list when it is compatible.
     */
    List<String> incompatibilities(final Schema candidate, final List<Schema> existingOldestFirst) {
        if (this == NONE || existingOldestFirst.isEmpty()) {
            return List.of();
        }
        final List<Schema> checked = name().endsWith("_TRANSITIVE")
                ? existingOldestFirst
                : List.of(existingOldestFirst.get(existingOldestFirst.size() - 1));
        final boolean backward = this != FORWARD && this != FORWARD_TRANSITIVE;
        final boolean forward = this != BACKWARD && this != BACKWARD_TRANSITIVE;

        final List<String> problems = new ArrayList<>();
        for (final Schema existing : checked) {
            if (backward) {
                problems.addAll(check(candidate, existing, "new schema cannot read data written with an earlier version"));
            }
            if (forward) {
                problems.addAll(check(existing, candidate, "an earlier version cannot read data written with the new schema"));
            }
        }
        return problems;
    }

    private static List<String> check(final Schema reader, final Schema writer, final String direction) {
        final SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        final List<String> problems = new ArrayList<>();
        for (final SchemaCompatibility.Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add(direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                    + " (" + incompatibility.getMessage() + ")");
        }
        return problems;
    }
}
