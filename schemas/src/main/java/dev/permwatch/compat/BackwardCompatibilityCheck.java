package dev.permwatch.compat;

import dev.permwatch.compat.CompatibilityReport.Finding;
import dev.permwatch.compat.CompatibilityReport.Problem;
import dev.permwatch.compat.CompatibilityReport.ProblemKind;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks that the current schemas are BACKWARD compatible with every released baseline: for each
 * top-level schema of each release, the current schema of the same full name, as reader, must read
 * data written with the released one, as writer. This is the rule of a Schema Registry subject at
 * level BACKWARD_TRANSITIVE, decided by Avro's own {@link SchemaCompatibility}.
 *
 * <p>A released schema that is missing from the current set is a problem unless its full name is
 * in the retired list. New schemas that no release has are not checked.
 */
public final class BackwardCompatibilityCheck {

    private BackwardCompatibilityCheck() {
    }

    /** Checks {@code current} against every release and returns all problems found, never null. */
    public static CompatibilityReport check(final SchemaSet current, final ReleasedSchemas released) {
        final List<Problem> problems = new ArrayList<>();
        for (final ReleasedSchemas.Baseline baseline : released.releases()) {
            for (final Map.Entry<String, Schema> writer : baseline.schemas().schemas().entrySet()) {
                final String name = writer.getKey();
                final Schema reader = current.schemas().get(name);
                if (reader == null) {
                    if (!released.retired().contains(name)) {
                        problems.add(new Problem(ProblemKind.REMOVED, name, baseline.version(),
                                baseline.schemas().fileOf(name), List.of()));
                    }
                    continue;
                }
                final List<Finding> findings = incompatibilities(reader, writer.getValue());
                if (!findings.isEmpty()) {
                    problems.add(new Problem(ProblemKind.INCOMPATIBLE, name, baseline.version(), current.fileOf(name),
                            findings));
                }
            }
        }
        problems.addAll(retiredListProblems(current, released));
        return new CompatibilityReport(current.folder(), released.root(), problems);
    }

    /** Returns what Avro reports when {@code reader} cannot read data written with {@code writer}. */
    static List<Finding> incompatibilities(final Schema reader, final Schema writer) {
        final SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        final List<Finding> findings = new ArrayList<>();
        for (final Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            findings.add(new Finding(incompatibility.getType(), incompatibility.getLocation(),
                    incompatibility.getMessage(), fieldPath(reader, incompatibility.getLocation())));
        }
        return findings;
    }

    /** Flags retired names that are still in use or that no release has, which is most likely a typo. */
    private static List<Problem> retiredListProblems(final SchemaSet current, final ReleasedSchemas released) {
        final List<Problem> problems = new ArrayList<>();
        for (final String name : released.retired()) {
            if (current.schemas().containsKey(name)) {
                problems.add(new Problem(ProblemKind.RETIRED_BUT_PRESENT, name, null, current.fileOf(name), List.of()));
            } else if (released.releases().stream().noneMatch(r -> r.schemas().schemas().containsKey(name))) {
                problems.add(new Problem(ProblemKind.RETIRED_UNKNOWN, name, null, ReleasedSchemas.RETIRED_FILE,
                        List.of()));
            }
        }
        return problems;
    }

    /**
     * Translates Avro's location, a JSON pointer into the reader schema such as
     * {@code /fields/6/type/fields/1/type}, into a dotted field path such as {@code source.accountId}.
     * Returns empty when the location names no field. NOTE: a numeric step after a union is the
     * writer's branch index, so the path enters a reader union only when it has one non-null branch.
     */
    static Optional<String> fieldPath(final Schema reader, final String location) {
        final List<String> names = new ArrayList<>();
        Schema schema = reader;
        final String[] steps = location.startsWith("/") ? location.substring(1).split("/") : location.split("/");
        for (int i = 0; i < steps.length; i++) {
            schema = withoutNullBranch(schema);
            final String step = steps[i];
            if (step.equals("fields") && i + 1 < steps.length && schema.getType() == Schema.Type.RECORD) {
                final String position = steps[++i];
                if (!isNumber(position) || Integer.parseInt(position) >= schema.getFields().size()) {
                    break;
                }
                final Schema.Field field = schema.getFields().get(Integer.parseInt(position));
                names.add(field.name());
                schema = field.schema();
            } else if (step.equals("items") && schema.getType() == Schema.Type.ARRAY) {
                schema = schema.getElementType();
            } else if (step.equals("values") && schema.getType() == Schema.Type.MAP) {
                schema = schema.getValueType();
            } else if (!step.equals("type") && !isNumber(step)) {
                break;
            }
        }
        return names.isEmpty() ? Optional.empty() : Optional.of(String.join(".", names));
    }

    private static boolean isNumber(final String step) {
        return !step.isEmpty() && step.length() <= 9 && step.chars().allMatch(Character::isDigit);
    }

    private static Schema withoutNullBranch(final Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        final List<Schema> nonNull = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
        return nonNull.size() == 1 ? nonNull.get(0) : schema;
    }
}
