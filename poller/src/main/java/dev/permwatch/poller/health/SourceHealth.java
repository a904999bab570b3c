package dev.permwatch.poller.health;

/**
 * Counts the failed polls in a row of one source and decides when it turns unhealthy and when it
 * recovers. One {@code SOURCE_UNHEALTHY} alert is due per streak, however long the streak gets.
 *
 * <p>Not thread-safe; the scheduler runs at most one poll per source at a time.
 */
public final class SourceHealth {

    private final int failureThreshold;
    private int consecutiveFailures;
    private boolean unhealthy;

    /** @param failureThreshold failed polls in a row that make the source unhealthy, at least 1 */
    public SourceHealth(final int failureThreshold) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
        }
        this.failureThreshold = failureThreshold;
    }

    /**
     * Counts one failed poll.
     *
     * @return true exactly once per streak: when this failure reaches the threshold
     */
    public boolean recordFailure() {
        consecutiveFailures++;
        if (!unhealthy && consecutiveFailures >= failureThreshold) {
            unhealthy = true;
            return true;
        }
        return false;
    }

    /**
     * Counts one accepted poll and ends the streak.
     *
     * @return true if the source was unhealthy, so a {@code SOURCE_RECOVERED} alert is due
     */
    public boolean recordSuccess() {
        final boolean recovered = unhealthy;
        consecutiveFailures = 0;
        unhealthy = false;
        return recovered;
    }

    /** Returns the failed polls in a row, the last one included; 0 after an accepted poll. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public boolean isUnhealthy() {
        return unhealthy;
    }
}
