package dev.permwatch.local.events;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.schemas.Sources;

/**
 * Formats change events and poll outcomes as the one-line text that {@code permwatch local}
 * prints, for example
 * {@code RENAMED  b33f02c6f7284e05a6f20741c0bb0567  "Teams Write" -> "Zero Trust Write"  [name]  source=user}.
 */
public final class ChangeEventLines {

    /** Width of the type column: the longest change type, "RENAMED" or "UPDATED", plus one space. */
    private static final int TYPE_WIDTH = 8;

    private ChangeEventLines() {
    }

    /** Returns the line for one change event. Names are quoted with Java string escapes. */
    public static String format(final ChangeEvent event) {
        final StringBuilder line = new StringBuilder();
        line.append(padRight(event.getType().name())).append(' ');
        line.append(event.getPermissionId()).append("  ");
        line.append(names(event));
        if (!event.getChangedFields().isEmpty()) {
            line.append("  ").append(event.getChangedFields());
        }
        line.append("  source=").append(Sources.key(event.getSource()));
        if (event.getBaseline()) {
            line.append("  baseline");
        }
        return line.toString();
    }

    /**
     * Returns the progress line for one processed snapshot, for example
     * {@code poll source=user groups=6 changes=1 outcome=DIFFED snapshot=<id>}.
     */
    public static String format(final DiffReport report) {
        final int changes = report.getAdded() + report.getRemoved() + report.getRenamed() + report.getUpdated();
        return "poll source=" + Sources.key(report.getSource())
                + " groups=" + report.getGroupCount()
                + " changes=" + changes
                + " outcome=" + report.getOutcome()
                + " snapshot=" + report.getSnapshotId();
    }

    private static String names(final ChangeEvent event) {
        final PermissionGroup before = event.getBefore();
        final PermissionGroup after = event.getAfter();
        if (event.getType() == ChangeType.RENAMED && before != null && after != null) {
            return quote(before.getName()) + " -> " + quote(after.getName());
        }
        final PermissionGroup shown = after != null ? after : before;
        return shown == null ? "(no group state)" : quote(shown.getName());
    }

    static String quote(final String text) {
        final StringBuilder quoted = new StringBuilder("\"");
        for (final char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static String padRight(final String text) {
        return text.length() >= TYPE_WIDTH ? text : text + " ".repeat(TYPE_WIDTH - text.length());
    }
}
