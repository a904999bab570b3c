package dev.permwatch.poller.retry;

import java.time.Duration;

/** Waits between attempts; tests pass one that advances a manual clock instead of blocking. */
@FunctionalInterface
public interface Sleeper {

    /** A sleeper that blocks the calling thread. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    /**
     * Waits for {@code duration}.
     *
     * @throws InterruptedException if the thread was interrupted, for example because the poller stops
     */
    void sleep(Duration duration) throws InterruptedException;
}
