package dev.permwatch.local.eos;

import java.util.List;

/**
 * Result of comparing the changes and catalog topics with the expected events. Every list item is
 * one readable line naming the source, step, type and permission id involved.
 *
 * @param expectedEvents     number of expected events
 * @param actualEvents       number of change records read, duplicates included
 * @param missing            expected events never read; never null
 * @param extra              events read that no expected event matches; never null
 * @param duplicates         expected events read more than once, and records that repeat an event id; never null
 * @param outOfOrder         group keys whose events were read in another order than expected; never null
 * @param catalogDifferences catalog keys missing, unexpected or with another group than expected; never null
 * @param mismatched         events that match an expected one by source, step, type and permission id but differ
 *                           in another field (changed fields, before, after, event id, snapshot ids); never null
 */
public record OracleVerdict(int expectedEvents, int actualEvents, List<String> missing, List<String> extra,
                            List<String> duplicates, List<String> outOfOrder, List<String> catalogDifferences,
                            List<String> mismatched) {

    /** Maximum number of items of each kind that {@link #summary()} lists. */
    public static final int MAX_LISTED = 10;

    public OracleVerdict {
        missing = List.copyOf(missing);
        extra = List.copyOf(extra);
        duplicates = List.copyOf(duplicates);
        outOfOrder = List.copyOf(outOfOrder);
        catalogDifferences = List.copyOf(catalogDifferences);
        mismatched = List.copyOf(mismatched);
    }

    /** Creates a verdict without mismatched events. */
    public OracleVerdict(final int expectedEvents, final int actualEvents, final List<String> missing,
                         final List<String> extra, final List<String> duplicates, final List<String> outOfOrder,
                         final List<String> catalogDifferences) {
        this(expectedEvents, actualEvents, missing, extra, duplicates, outOfOrder, catalogDifferences, List.of());
    }

    /** Returns whether the topics contain exactly the expected events, in order, and the expected catalog. */
    public boolean passed() {
        return missing.isEmpty() && extra.isEmpty() && duplicates.isEmpty() && outOfOrder.isEmpty()
                && catalogDifferences.isEmpty() && mismatched.isEmpty();
    }

    /**
     * Returns one paragraph: the counts, then each non-empty kind of difference with at most
     * {@value #MAX_LISTED} items and "and N more".
     */
    public String summary() {
        final StringBuilder text = new StringBuilder(passed() ? "Oracle passed: " : "Oracle failed: ")
                .append(expectedEvents).append(" events expected, ").append(actualEvents).append(" read");
        if (passed()) {
            return text.append("; every expected event read once in order, catalog equal to the last snapshot.")
                    .toString();
        }
        appendKind(text, "missing", missing);
        appendKind(text, "extra", extra);
        appendKind(text, "duplicate", duplicates);
        appendKind(text, "out of order", outOfOrder);
        appendKind(text, "mismatched", mismatched);
        appendKind(text, "catalog differences", catalogDifferences);
        return text.append('.').toString();
    }

    private static void appendKind(final StringBuilder text, final String kind, final List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        text.append("; ").append(items.size()).append(' ').append(kind).append(": ");
        text.append(String.join(", ", items.subList(0, Math.min(MAX_LISTED, items.size()))));
        if (items.size() > MAX_LISTED) {
            text.append(" and ").append(items.size() - MAX_LISTED).append(" more");
        }
    }
}
