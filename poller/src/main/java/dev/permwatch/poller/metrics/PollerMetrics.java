package dev.permwatch.poller.metrics;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.health.FailureCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records poll outcomes as Micrometer meters. Every meter is tagged with the source name from
 * {@code permwatch.sources}, a value the operator chose, so no tag contains the API token or
 * anything read from a response.
 *
 * <table>
 * <caption>Poller meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 * <tr><td>{@value #POLLS}</td><td>counter</td><td>source, outcome, reason</td><td>finished polls;
 *     outcome {@code accepted} or {@code failed}, reason a {@link FailureCause} or {@code NONE}</td></tr>
 * <tr><td>{@value #POLL_DURATION}</td><td>timer</td><td>source, outcome</td><td>time from the start of
 *     a poll to the end of writing its records, retries included</td></tr>
 * <tr><td>{@value #POLL_RETRIES}</td><td>counter</td><td>source</td><td>HTTP requests sent after the
 *     first one of a poll</td></tr>
 * <tr><td>{@value #SOURCE_GROUPS}</td><td>gauge</td><td>source</td><td>permission groups in the last
 *     written snapshot; absent until the first one</td></tr>
 * <tr><td>{@value #SNAPSHOTS_WRITTEN}</td><td>counter</td><td>source</td><td>snapshots acknowledged by
 *     Kafka</td></tr>
 * </table>
 */
public final class PollerMetrics implements PollListener {

    public static final String POLLS = "permwatch.polls";
    public static final String POLL_DURATION = "permwatch.poll.duration";
    public static final String POLL_RETRIES = "permwatch.poll.retries";
    public static final String SOURCE_GROUPS = "permwatch.source.groups";
    public static final String SNAPSHOTS_WRITTEN = "permwatch.snapshots.written";

    public static final String TAG_SOURCE = "source";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";
    public static final String OUTCOME_ACCEPTED = "accepted";
    public static final String OUTCOME_FAILED = "failed";
    /** Reason tag of an accepted poll. */
    public static final String REASON_NONE = "NONE";

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> groupCounts = new ConcurrentHashMap<>();

    public PollerMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onSnapshot(final String sourceName, final Snapshot snapshot) {
        Counter.builder(SNAPSHOTS_WRITTEN)
                .description("Snapshots acknowledged by Kafka")
                .tag(TAG_SOURCE, sourceName)
                .register(registry)
                .increment();
        groupCounts.computeIfAbsent(sourceName, this::registerGroupGauge).set(snapshot.getGroups().size());
    }

    @Override
    public void onPollFinished(final String sourceName, final FailureCause cause, final Duration elapsed,
                               final int attempts) {
        final String outcome = cause == null ? OUTCOME_ACCEPTED : OUTCOME_FAILED;
        Counter.builder(POLLS)
                .description("Finished polls by outcome and failure cause")
                .tag(TAG_SOURCE, sourceName)
                .tag(TAG_OUTCOME, outcome)
                .tag(TAG_REASON, cause == null ? REASON_NONE : cause.name())
                .register(registry)
                .increment();
        Timer.builder(POLL_DURATION)
                .description("Time of one poll, retries and the Kafka write included")
                .tag(TAG_SOURCE, sourceName)
                .tag(TAG_OUTCOME, outcome)
                .register(registry)
                .record(elapsed);
        Counter.builder(POLL_RETRIES)
                .description("HTTP requests sent after the first one of a poll")
                .tag(TAG_SOURCE, sourceName)
                .register(registry)
                .increment(Math.max(0, attempts - 1));
    }

    private AtomicInteger registerGroupGauge(final String sourceName) {
        final AtomicInteger count = new AtomicInteger();
        Gauge.builder(SOURCE_GROUPS, count, AtomicInteger::get)
                .description("Permission groups in the last written snapshot")
                .tag(TAG_SOURCE, sourceName)
                .register(registry);
        return count;
    }
}
