package dev.permwatch.poller;

import dev.permwatch.avro.Snapshot;

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
}
