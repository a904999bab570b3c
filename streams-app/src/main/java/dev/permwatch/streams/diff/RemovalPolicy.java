package dev.permwatch.streams.diff;

/**
 * Rules that decide when a group absent from a snapshot is removed.
 *
 * @param confirmations number of consecutive accepted snapshots a group must be absent from before
 *                      it is removed; 1 removes it at its first absence. For removals held by the
 *                      shrink guard, the number of later snapshots that must confirm them.
 * @param maxShare      largest share of the catalog (0 to 1) that one snapshot may make newly
 *                      absent without being held
 * @param maxCount      largest number of groups that one snapshot may make newly absent without
 *                      being held
 */
public record RemovalPolicy(int confirmations, double maxShare, int maxCount) {

    public static final int DEFAULT_CONFIRMATIONS = 2;
    public static final double DEFAULT_MAX_SHARE = 0.10;
    public static final int DEFAULT_MAX_COUNT = 25;

    public RemovalPolicy {
        if (confirmations < 1) {
            throw new IllegalArgumentException("Invalid removal confirmations " + confirmations
                    + ": expected 1 or more (1 removes a group at its first absence)");
        }
        if (!(maxShare >= 0.0 && maxShare <= 1.0)) {
            throw new IllegalArgumentException("Invalid shrink-guard max share " + maxShare
                    + ": expected a number from 0 to 1, for example 0.10 for 10% of the catalog");
        }
        if (maxCount < 0) {
            throw new IllegalArgumentException("Invalid shrink-guard max count " + maxCount
                    + ": expected 0 or more groups");
        }
    }

    /** Returns two confirmations and a guard of 10% or 25 groups. */
    public static RemovalPolicy defaults() {
        return new RemovalPolicy(DEFAULT_CONFIRMATIONS, DEFAULT_MAX_SHARE, DEFAULT_MAX_COUNT);
    }

    /** Returns a policy that removes a group at its first absence and never holds, as a plain diff does. */
    public static RemovalPolicy immediate() {
        return new RemovalPolicy(1, 1.0, Integer.MAX_VALUE);
    }

    public RemovalPolicy withConfirmations(final int newConfirmations) {
        return new RemovalPolicy(newConfirmations, maxShare, maxCount);
    }

    /** Returns whether {@code newlyAbsent} of {@code catalogSize} groups is more than {@link #maxShare}. */
    public boolean exceedsShare(final int newlyAbsent, final int catalogSize) {
        return catalogSize > 0 && (double) newlyAbsent / catalogSize > maxShare;
    }

    /** Returns whether {@code newlyAbsent} groups are more than {@link #maxCount}. */
    public boolean exceedsCount(final int newlyAbsent) {
        return newlyAbsent > maxCount;
    }
}
