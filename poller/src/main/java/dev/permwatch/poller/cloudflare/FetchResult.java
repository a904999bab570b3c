package dev.permwatch.poller.cloudflare;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.poller.PollFailure;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Outcome of one fetch: an accepted permission-group list or a failure. */
public sealed interface FetchResult permits FetchResult.Accepted, FetchResult.Failed {

    /**
     * A complete, valid list.
     *
     * @param groups     the groups in response order, never empty
     * @param metadata   how the list was obtained
     * @param receivedAt when the whole body had been read
     */
    record Accepted(List<PermissionGroup> groups, PollMetadata metadata, Instant receivedAt) implements FetchResult {
        public Accepted {
            groups = List.copyOf(groups);
            Objects.requireNonNull(metadata, "metadata");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }
    }

    /** A fetch that produced no usable list. */
    record Failed(PollFailure failure) implements FetchResult {
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }
}
