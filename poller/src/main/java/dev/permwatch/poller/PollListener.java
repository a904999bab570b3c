package dev.permwatch.poller;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.health.FailureCause;

import java.time.Duration;

/**
 * Receives the outcome of every poll, for example to print progress. Called on the scheduler
 * thread of the source, after the log line. An exception thrown here is logged and ignored.
 */
public interface PollListener {

    /** A listener that ignores every outcome. */
    PollListener NONE = new PollListener() {
    };

    /** Called after a snapshot was written to Kafka and acknowledged. */
    default void onSnapshot(final String sourceName, final Snapshot snapshot) {
    }

    /** Called after a poll produced no snapshot, or its snapshot could not be written. */
    default void onFailure(final String sourceName, final PollFailure failure) {
    }

    /**
     * Called once at the end of every poll, after {@link #onSnapshot} or {@link #onFailure}.
     *
     * @param cause    why the poll failed, or null when its snapshot was written
     * @param elapsed  time from the start of the poll to the end of writing its snapshot or status
     * @param attempts HTTP requests sent, 0 when none was sent
     */
    default void onPollFinished(final String sourceName, final FailureCause cause, final Duration elapsed,
                                final int attempts) {
    }
}
