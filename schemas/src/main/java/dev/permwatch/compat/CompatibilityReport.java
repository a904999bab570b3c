package dev.permwatch.compat;

import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Result of {@link BackwardCompatibilityCheck}: every problem found, and a message for the build
 * log that names each schema, release and Avro incompatibility with what to do about it.
 *
 * @param currentFolder  folder of the current {@code .avsc} files
 * @param releasedFolder folder of the release baselines
 * @param problems       all problems, empty when compatible
 */
public record CompatibilityReport(Path currentFolder, Path releasedFolder, List<Problem> problems) {

    /** Creates the report; the list is copied. */
    public CompatibilityReport {
        problems = List.copyOf(problems);
    }

    /** Kind of problem found for one schema. */
    public enum ProblemKind {
        /** The current schema cannot read data written with the released one. */
        INCOMPATIBLE,
        /** A released schema is missing from the current set and is not retired. */
        REMOVED,
        /** The retired list names a schema that the current set still defines. */
        RETIRED_BUT_PRESENT,
        /** The retired list names a schema that no release has. */
        RETIRED_UNKNOWN
    }

    /**
     * One problem.
     *
     * @param kind              what is wrong
     * @param schemaName        full name of the top-level schema
     * @param releaseVersion    the release whose schema is concerned; null for retired-list problems
     * @param file              the {@code .avsc} file name (current for INCOMPATIBLE and
     *                          RETIRED_BUT_PRESENT, released for REMOVED)
     * @param incompatibilities what Avro reported, empty unless INCOMPATIBLE
     */
    public record Problem(ProblemKind kind, String schemaName, String releaseVersion, String file,
                          List<Finding> incompatibilities) {

        /** Creates the problem; the list is copied. */
        public Problem {
            incompatibilities = List.copyOf(incompatibilities);
        }
    }

    /**
     * One incompatibility as Avro's {@code SchemaCompatibility} reports it.
     *
     * @param type      Avro's incompatibility type
     * @param location  Avro's location, a JSON pointer into the current (reader) schema
     * @param message   Avro's message
     * @param fieldPath the dotted field path at that location, when it names a field
     */
    public record Finding(SchemaIncompatibilityType type, String location, String message,
                          Optional<String> fieldPath) {
    }

    /** Returns true when no problem was found. */
    public boolean isCompatible() {
        return problems.isEmpty();
    }

    /** Returns a multi-line message for the build log, or a one-line summary when compatible. */
    public String describe() {
        if (problems.isEmpty()) {
            return "The schemas in " + currentFolder + " are BACKWARD compatible with every release in "
                    + releasedFolder + ".";
        }
        final StringBuilder text = new StringBuilder()
                .append("BACKWARD compatibility check failed with ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems")
                .append(". The schemas in ").append(currentFolder)
                .append(" must read data written with every released schema in ").append(releasedFolder)
                .append(".\n");
        for (final Problem problem : problems) {
            text.append('\n');
            describe(problem, text);
        }
        text.append("\nIf the break is intended, leave the released baselines unchanged: write the new schema to a"
                + " new topic, so that it gets a new subject (<topic>-value), and release it as a new major"
                + " version.\n");
        return text.toString();
    }

    private void describe(final Problem problem, final StringBuilder text) {
        switch (problem.kind()) {
            case INCOMPATIBLE -> {
                text.append(problem.schemaName()).append(" (").append(problem.file())
                        .append(") cannot read data written with its release ").append(problem.releaseVersion())
                        .append(" schema:\n");
                for (final Finding finding : problem.incompatibilities()) {
                    text.append("  - ").append(finding.type()).append(" at ").append(finding.location());
                    finding.fieldPath().ifPresent(path -> text.append(" (field ").append(path).append(')'));
                    text.append(": ").append(finding.message()).append('\n')
                            .append("    Fix: ").append(fix(finding.type())).append('\n');
                }
            }
            case REMOVED -> text.append(problem.schemaName()).append(" was released in ")
                    .append(problem.releaseVersion()).append(" (").append(problem.file())
                    .append(") but is missing from ").append(currentFolder).append(".\n")
                    .append("    Fix: restore ").append(problem.file()).append(". If its topic is gone for good, add ")
                    .append(problem.schemaName()).append(" to ").append(releasedFolder.resolve(ReleasedSchemas.RETIRED_FILE))
                    .append(".\n");
            case RETIRED_BUT_PRESENT -> text.append(problem.schemaName()).append(" is listed in ")
                    .append(ReleasedSchemas.RETIRED_FILE).append(" but still defined in ").append(problem.file())
                    .append(".\n    Fix: remove it from ").append(ReleasedSchemas.RETIRED_FILE)
                    .append(", or delete the schema.\n");
            case RETIRED_UNKNOWN -> text.append(problem.schemaName()).append(" is listed in ")
                    .append(ReleasedSchemas.RETIRED_FILE).append(" but no release has a schema of that name.\n")
                    .append("    Fix: correct the full name, for example dev.permwatch.avro.Alert.\n");
            default -> throw new IllegalStateException("Unknown problem kind " + problem.kind());
        }
    }

    /** Returns the usual fix for one kind of Avro incompatibility. */
    static String fix(final SchemaIncompatibilityType type) {
        return switch (type) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "give the field a default. For an optional field use"
                    + " \"type\": [\"null\", ...] with \"default\": null.";
            case MISSING_ENUM_SYMBOLS -> "keep the enum symbol, or give the enum a \"default\" symbol that readers"
                    + " use for symbols they do not know.";
            case TYPE_MISMATCH -> "keep the field's type. Avro only promotes int to long, float or double, long to"
                    + " float or double, float to double, and string to and from bytes. For another type add a new"
                    + " field with a default.";
            case MISSING_UNION_BRANCH -> "keep every union branch that released data may use.";
            case NAME_MISMATCH -> "keep the type's full name, or list the old full name in its \"aliases\".";
            case FIXED_SIZE_MISMATCH -> "keep the size of the fixed type.";
        };
    }
}
