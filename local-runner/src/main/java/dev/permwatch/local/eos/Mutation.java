package dev.permwatch.local.eos;

import dev.permwatch.avro.PermissionGroup;

import java.util.Objects;

/**
 * One change that {@link SeriesGenerator} applied to the permission-group list of one source at
 * one step. Several mutations of one group in one step (a rename and a scope move, for example)
 * are listed in the order they were applied, and each one's {@code before} is the previous one's
 * {@code after}.
 *
 * @param kind         what changed; never null
 * @param permissionId id of the changed group; null only for {@link Kind#REORDER_GROUPS}, which moves items of
 *                     the whole list
 * @param before       the group just before this mutation; null for {@link Kind#ADD} and
 *                     {@link Kind#REORDER_GROUPS}
 * @param after        the group just after this mutation; null for {@link Kind#REMOVE} and
 *                     {@link Kind#REORDER_GROUPS}
 */
public record Mutation(Kind kind, String permissionId, PermissionGroup before, PermissionGroup after) {

    /** Kinds of mutation. Only ADD, REMOVE, RENAME, DESCRIBE and RESCOPE lead to change events. */
    public enum Kind {
        /** A new group with a new id. */
        ADD(null),
        /** The group leaves the list and never comes back. */
        REMOVE(null),
        /** The name changes. */
        RENAME("name"),
        /** The description changes. */
        DESCRIBE("description"),
        /** The scopes change as a set. */
        RESCOPE("scopes"),
        /** Items of the list move; the content is the same, so no event is due. */
        REORDER_GROUPS(null),
        /** The scopes of one group change order but not membership, so no event is due. */
        REORDER_SCOPES(null);

        private final String changedField;

        Kind(final String changedField) {
            this.changedField = changedField;
        }

        /**
         * Returns the name of the field that a change event lists for this mutation ({@code name},
         * {@code description} or {@code scopes}), or null for kinds that change no single field.
         */
        public String changedField() {
            return changedField;
        }

        /** Returns whether this kind only changes order, so the app must emit nothing for it. */
        public boolean orderOnly() {
            return this == REORDER_GROUPS || this == REORDER_SCOPES;
        }
    }

    public Mutation {
        Objects.requireNonNull(kind, "kind");
        if (kind != Kind.REORDER_GROUPS) {
            Objects.requireNonNull(permissionId, () -> "permissionId of a " + kind + " mutation");
        }
        final boolean needsBefore = kind != Kind.ADD && kind != Kind.REORDER_GROUPS;
        final boolean needsAfter = kind != Kind.REMOVE && kind != Kind.REORDER_GROUPS;
        if (needsBefore != (before != null) || needsAfter != (after != null)) {
            throw new IllegalArgumentException("Invalid " + kind + " mutation of " + permissionId + ": before is "
                    + (before == null ? "null" : "set") + " and after is " + (after == null ? "null" : "set")
                    + "; ADD has only after, REMOVE only before, REORDER_GROUPS neither, every other kind both");
        }
    }

    /** Returns the mutation that adds {@code group}. */
    public static Mutation added(final PermissionGroup group) {
        return new Mutation(Kind.ADD, group.getId(), null, group);
    }

    /** Returns the mutation that removes {@code group}. */
    public static Mutation removed(final PermissionGroup group) {
        return new Mutation(Kind.REMOVE, group.getId(), group, null);
    }

    /** Returns a mutation of one group's fields: RENAME, DESCRIBE, RESCOPE or REORDER_SCOPES. */
    public static Mutation changed(final Kind kind, final PermissionGroup before, final PermissionGroup after) {
        return new Mutation(kind, after.getId(), before, after);
    }

    /** Returns the mutation that moves items of the list without changing them. */
    public static Mutation reorderedGroups() {
        return new Mutation(Kind.REORDER_GROUPS, null, null, null);
    }
}
