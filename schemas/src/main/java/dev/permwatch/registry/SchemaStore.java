package dev.permwatch.registry;

import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The subjects, versions and schema ids of a Schema Registry, kept in memory with Confluent's
 * rules. Ids are global and start at 1, and an identical schema gets the same id under every
 * subject. Re-registering a schema that a subject already has returns its existing version. A new
 * version must pass the subject's compatibility level, which is BACKWARD unless configured.
 *
 * <p>Thread-safe: every method synchronizes on the store. Schemas are compared by Avro's
 * normalized JSON ({@link Schema#toString()}), so whitespace and attribute order do not matter
 * but a changed doc does.
 */
public final class SchemaStore {

    /** Default level of a new registry, as in Confluent Schema Registry. */
    public static final CompatibilityLevel DEFAULT_COMPATIBILITY = CompatibilityLevel.BACKWARD;

    private final Map<Integer, String> schemasById = new TreeMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectCompatibility = new TreeMap<>();
    private CompatibilityLevel globalCompatibility = DEFAULT_COMPATIBILITY;
    private int nextId = 1;

    /**
     * Registers a schema under a subject, or finds it when the subject already has it.
     *
     * @return the subject version; {@link Registration#created()} is true when it is new
     * @throws RegistryException 42201 for invalid schema text, 409 when incompatible
     */
    public synchronized Registration register(final String subject, final String schemaText) {
        final Schema schema = parse(schemaText);
        final String normalized = schema.toString();

        final Optional<RegisteredSchema> existing = findInSubject(subject, normalized);
        if (existing.isPresent()) {
            return new Registration(existing.get(), false);
        }

        final CompatibilityLevel level = compatibility(subject);
        final List<String> problems = level.incompatibilities(schema, versionsAsSchemas(subject));
        if (!problems.isEmpty()) {
            throw new RegistryException(409, RegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject '" + subject
                            + "' under compatibility level " + level + ": " + String.join("; ", problems)
                            + ". Add new fields with a default, keep or alias old names, or change the"
                            + " compatibility level.");
        }

        final int id = idsBySchema.computeIfAbsent(normalized, text -> {
            final int assigned = nextId++;
            schemasById.put(assigned, text);
            return assigned;
        });
        final List<Integer> versions = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        versions.add(id);
        return new Registration(new RegisteredSchema(subject, versions.size(), id, normalized), true);
    }

    /**
     * Finds the version of a subject that has exactly this schema.
     *
     * @throws RegistryException 40401 when the subject is unknown, 40403 when it lacks the schema
     */
    public synchronized RegisteredSchema lookup(final String subject, final String schemaText) {
        final String normalized = parse(schemaText).toString();
        if (!idsBySubject.containsKey(subject)) {
            throw RegistryException.subjectNotFound(subject);
        }
        return findInSubject(subject, normalized)
                .orElseThrow(() -> RegistryException.schemaNotFound("subject '" + subject
                        + "' has no version with this schema"));
    }

    /**
     * Returns the schema text registered with a global id.
     *
     * @throws RegistryException 40403 when no schema has this id
     */
    public synchronized String schemaById(final int id) {
        final String schema = schemasById.get(id);
        if (schema == null) {
            throw RegistryException.schemaNotFound("no schema has id " + id);
        }
        return schema;
    }

    /** Returns all subject names, sorted. */
    public synchronized List<String> subjects() {
        return List.copyOf(idsBySubject.keySet());
    }

    /**
     * Returns the version numbers of a subject, oldest first.
     *
     * @throws RegistryException 40401 when the subject is unknown
     */
    public synchronized List<Integer> versions(final String subject) {
        final int count = requireSubject(subject).size();
        final List<Integer> numbers = new ArrayList<>(count);
        for (int version = 1; version <= count; version++) {
            numbers.add(version);
        }
        return numbers;
    }

    /**
     * Returns one version of a subject; {@code version} is a number from 1 or {@code latest}
     * (Confluent also accepts -1 for latest).
     *
     * @throws RegistryException 40401, 40402, or 42202 for a version that is not a number
     */
    public synchronized RegisteredSchema version(final String subject, final String version) {
        final List<Integer> ids = requireSubject(subject);
        final int number = parseVersion(version, ids.size());
        if (number < 1 || number > ids.size()) {
            throw RegistryException.versionNotFound(subject, number);
        }
        final int id = ids.get(number - 1);
        return new RegisteredSchema(subject, number, id, schemasById.get(id));
    }

    /** Returns the level that applies to a subject: its own when set, else the global one. */
    public synchronized CompatibilityLevel compatibility(final String subject) {
        return subjectCompatibility.getOrDefault(subject, globalCompatibility);
    }

    /** Returns the level set on a subject itself, if any. */
    public synchronized Optional<CompatibilityLevel> subjectCompatibility(final String subject) {
        return Optional.ofNullable(subjectCompatibility.get(subject));
    }

    /** Returns the global level, which applies to subjects without their own. */
    public synchronized CompatibilityLevel globalCompatibility() {
        return globalCompatibility;
    }

    /** Sets the global level. */
    public synchronized void setGlobalCompatibility(final CompatibilityLevel level) {
        globalCompatibility = level;
    }

    /** Sets the level of one subject; the subject need not exist yet, as in Confluent. */
    public synchronized void setSubjectCompatibility(final String subject, final CompatibilityLevel level) {
        subjectCompatibility.put(subject, level);
    }

    /** Removes the level set on a subject itself and returns it, or returns empty when it had none. */
    public synchronized Optional<CompatibilityLevel> removeSubjectCompatibility(final String subject) {
        return Optional.ofNullable(subjectCompatibility.remove(subject));
    }

    /**
     * Checks a schema against one version of a subject (or all, for transitive levels, up to it)
     * and returns why it is incompatible, empty when compatible.
     *
     * @throws RegistryException 40401, 40402, 42201 or 42202
     */
    public synchronized List<String> checkCompatibility(final String subject, final String version,
                                                        final String schemaText) {
        final Schema candidate = parse(schemaText);
        final RegisteredSchema target = version(subject, version);
        final List<Schema> upToTarget = versionsAsSchemas(subject).subList(0, target.version());
        return compatibility(subject).incompatibilities(candidate, upToTarget);
    }

    /** Returns an independent store with the same state, to change and persist before it is served. */
    public synchronized SchemaStore copy() {
        final SchemaStore copy = new SchemaStore();
        copy.restore(state());
        return copy;
    }

    /** Returns a copy of the whole state, for persistence. */
    public synchronized State state() {
        final Map<String, List<Integer>> subjects = new TreeMap<>();
        idsBySubject.forEach((subject, ids) -> subjects.put(subject, List.copyOf(ids)));
        return new State(new TreeMap<>(schemasById), subjects, globalCompatibility,
                new TreeMap<>(subjectCompatibility));
    }

    /**
     * Replaces the whole state with a persisted copy.
     *
     * @throws IllegalArgumentException when a subject refers to an id without a schema
     */
    public synchronized void restore(final State state) {
        for (final Map.Entry<String, List<Integer>> subject : state.subjects().entrySet()) {
            for (final Integer id : subject.getValue()) {
                if (!state.schemasById().containsKey(id)) {
                    throw new IllegalArgumentException("Subject '" + subject.getKey() + "' refers to schema id "
                            + id + ", which has no schema");
                }
            }
        }
        schemasById.clear();
        idsBySchema.clear();
        idsBySubject.clear();
        subjectCompatibility.clear();

        state.schemasById().forEach((id, text) -> {
            final String normalized = parse(text).toString();
            schemasById.put(id, normalized);
            idsBySchema.put(normalized, id);
        });
        state.subjects().forEach((subject, ids) -> idsBySubject.put(subject, new ArrayList<>(ids)));
        globalCompatibility = state.globalCompatibility();
        subjectCompatibility.putAll(state.subjectCompatibility());
        nextId = schemasById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    }

    private Optional<RegisteredSchema> findInSubject(final String subject, final String normalized) {
        final List<Integer> ids = idsBySubject.getOrDefault(subject, List.of());
        final Integer id = idsBySchema.get(normalized);
        if (id == null) {
            return Optional.empty();
        }
        final int index = ids.indexOf(id);
        if (index < 0) {
            return Optional.empty();
        }
        return Optional.of(new RegisteredSchema(subject, index + 1, id, normalized));
    }

    private List<Integer> requireSubject(final String subject) {
        final List<Integer> ids = idsBySubject.get(subject);
        if (ids == null) {
            throw RegistryException.subjectNotFound(subject);
        }
        return ids;
    }

    private List<Schema> versionsAsSchemas(final String subject) {
        final List<Schema> schemas = new ArrayList<>();
        for (final Integer id : idsBySubject.getOrDefault(subject, List.of())) {
            schemas.add(parse(schemasById.get(id)));
        }
        return schemas;
    }

    private static int parseVersion(final String version, final int latest) {
        if ("latest".equals(version) || "-1".equals(version)) {
            return latest;
        }
        try {
            final int number = Integer.parseInt(version);
            if (number >= 1) {
                return number;
            }
        } catch (final NumberFormatException e) {
            // Reported below.
        }
        throw new RegistryException(422, RegistryException.INVALID_VERSION, "Invalid version '" + version
                + "': expected a number from 1 or 'latest'.");
    }

    private static Schema parse(final String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("the schema text is empty.");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (final AvroRuntimeException e) {
            // SchemaParseException for bad JSON or types, AvroTypeException for bad defaults.
            throw RegistryException.invalidSchema(e.getMessage());
        }
    }

    /** Result of {@link #register}: the subject version and whether this call created it. */
    public record Registration(RegisteredSchema schema, boolean created) {
    }

    /** A persistable copy of the store. */
    public record State(Map<Integer, String> schemasById, Map<String, List<Integer>> subjects,
                        CompatibilityLevel globalCompatibility,
                        Map<String, CompatibilityLevel> subjectCompatibility) {
    }
}
