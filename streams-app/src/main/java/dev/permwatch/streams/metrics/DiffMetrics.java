package dev.permwatch.streams.metrics;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.SourceState;
import dev.permwatch.streams.diff.DiffResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records what the diff processor and the dead-letter handlers produce as Micrometer meters.
 *
 * <p>The counters are at least once: a task that crashes after counting and before its commit
 * processes the same records again after the restart and counts them again, although under
 * {@code exactly_once_v2} the output topics get each record once.
 *
 * <table>
 * <caption>Streams app meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 * <tr><td>{@value #CHANGES}</td><td>counter</td><td>source, type</td><td>change events emitted</td></tr>
 * <tr><td>{@value #SNAPSHOTS_PROCESSED}</td><td>counter</td><td>source, outcome</td><td>snapshots
 *     diffed or ignored, by {@code DiffOutcome}</td></tr>
 * <tr><td>{@value #REMOVALS_HELD}</td><td>gauge</td><td>source</td><td>permission groups whose removal
 *     the shrink guard holds, as of the last record of the source this instance processed</td></tr>
 * <tr><td>{@value #ALERTS}</td><td>counter</td><td>source, kind</td><td>alerts raised by the diff</td></tr>
 * <tr><td>{@value #DEAD_LETTERS}</td><td>counter</td><td>topic, handler</td><td>input records sent to
 *     the dead-letter topic; handler {@code deserialization} or {@code processing}</td></tr>
 * </table>
 */
public final class DiffMetrics {

    public static final String CHANGES = "permwatch.changes";
    public static final String SNAPSHOTS_PROCESSED = "permwatch.snapshots.processed";
    public static final String REMOVALS_HELD = "permwatch.removals.held";
    public static final String ALERTS = "permwatch.alerts";
    public static final String DEAD_LETTERS = "permwatch.dead.letters";

    /**
     * Streams configuration key whose value is the {@link DiffMetrics} instance of the app, so that
     * the dead-letter handlers, which Kafka Streams creates from class names, count into it.
     */
    public static final String CONFIG_KEY = "dead.letter.diff.metrics";

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> heldCounts = new ConcurrentHashMap<>();

    public DiffMetrics(final MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Returns metrics backed by an empty composite registry, which drops every measurement; for topologies built without an app. */
    public static DiffMetrics discarding() {
        return new DiffMetrics(new CompositeMeterRegistry());
    }

    /** Returns the instance stored under {@link #CONFIG_KEY}, or {@link #discarding()} when none is. */
    public static DiffMetrics from(final Map<String, ?> configs) {
        final Object value = configs.get(CONFIG_KEY);
        return value instanceof DiffMetrics metrics ? metrics : discarding();
    }

    /** Counts the change events, report outcome and alerts of one result, and updates the held gauge. */
    public void record(final String sourceKey, final DiffResult result) {
        for (final ChangeEvent event : result.events()) {
            Counter.builder(CHANGES)
                    .description("Change events emitted")
                    .tag("source", sourceKey)
                    .tag("type", event.getType().name())
                    .register(registry)
                    .increment();
        }
        if (result.report() != null) {
            Counter.builder(SNAPSHOTS_PROCESSED)
                    .description("Snapshots processed, by diff outcome")
                    .tag("source", sourceKey)
                    .tag("outcome", result.report().getOutcome().name())
                    .register(registry)
                    .increment();
        }
        for (final Alert alert : result.alerts()) {
            Counter.builder(ALERTS)
                    .description("Alerts raised by the diff")
                    .tag("source", sourceKey)
                    .tag("kind", alert.getKind().name())
                    .register(registry)
                    .increment();
        }
        heldCounts.computeIfAbsent(sourceKey, this::registerHeldGauge).set(heldGroups(result.newState()));
    }

    /**
     * Counts one record sent to the dead-letter topic.
     *
     * @param topic   the input topic of the record
     * @param handler {@code deserialization} or {@code processing}
     */
    public void recordDeadLetter(final String topic, final String handler) {
        Counter.builder(DEAD_LETTERS)
                .description("Input records sent to the dead-letter topic")
                .tag("topic", topic)
                .tag("handler", handler)
                .register(registry)
                .increment();
    }

    private static int heldGroups(final SourceState state) {
        return state.getHeldRemovals().stream().mapToInt(hold -> hold.getPermissionIds().size()).sum();
    }

    private AtomicInteger registerHeldGauge(final String sourceKey) {
        final AtomicInteger count = new AtomicInteger();
        Gauge.builder(REMOVALS_HELD, count, AtomicInteger::get)
                .description("Permission groups whose removal the shrink guard holds")
                .tag("source", sourceKey)
                .register(registry);
        return count;
    }
}
