package dev.permwatch.streams;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.OperatorCommandType;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.SourceState;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import dev.permwatch.streams.deadletter.RejectedRecordException;
import dev.permwatch.streams.diff.DiffResult;
import dev.permwatch.streams.diff.SnapshotDiff;
import dev.permwatch.streams.metrics.DiffMetrics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * Builds the permwatch topology: snapshots and operator commands in; change events, catalog
 * entries, diff reports and alerts out.
 *
 * <pre>
 * snapshots topic -+-> snapshot-diff (store: state per source) -> changes topic
 * control topic  --+                                           -> catalog topic
 *                                                              -> diff-reports topic
 *                                                              -> alerts topic
 * records that cannot be deserialized or are rejected          -> dead-letter topic (+ alert)
 * </pre>
 *
 * <p>The diff processor keeps one stored state per source key. For each snapshot it writes the
 * change events, catalog updates and alerts first and the diff report last. Under
 * {@code exactly_once_v2} all outputs of one snapshot commit in one transaction, so once a
 * {@code read_committed} consumer receives the report, the snapshot's change events and catalog
 * updates are readable too.
 *
 * <p>Operator commands are read by the same processor so that they see and change the same
 * stored state. The control topic must therefore have as many partitions as the snapshots topic:
 * both are keyed by source key, so a command then lands in the task that stores its source.
 *
 * <p>Dead letters are written by the Kafka Streams error handlers that
 * {@link StreamsConfigFactory#errorHandlingProperties} configures: a record that cannot be
 * deserialized, and a record the processor rejects by throwing {@link RejectedRecordException}.
 */
public final class PermwatchTopology {

    public static final String SOURCE_NODE = "snapshots-source";
    public static final String CONTROL_SOURCE_NODE = "control-source";
    public static final String DIFF_PROCESSOR = "snapshot-diff";
    public static final String CHANGES_SINK = "changes-sink";
    public static final String CATALOG_SINK = "catalog-sink";
    public static final String DIFF_REPORTS_SINK = "diff-reports-sink";
    public static final String ALERTS_SINK = "alerts-sink";

    private static final Logger LOG = LoggerFactory.getLogger(PermwatchTopology.class);

    private PermwatchTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param settings    topics, store name, options and clock
     * @param serdeConfig configuration for the Avro serdes ({@code schema.registry.url} and the
     *                    other registry settings), passed to each serde's {@code configure}
     */
    public static Topology build(final TopologySettings settings, final Map<String, ?> serdeConfig) {
        return build(settings, serdeConfig, DiffMetrics.discarding());
    }

    /**
     * Builds the topology with its processor counting into {@code metrics}.
     *
     * @see #build(TopologySettings, Map)
     */
    public static Topology build(final TopologySettings settings, final Map<String, ?> serdeConfig,
                                 final DiffMetrics metrics) {
        final Serde<String> keySerde = Serdes.String();
        final Serde<Snapshot> snapshotSerde = valueSerde(serdeConfig);
        final Serde<OperatorCommand> commandSerde = valueSerde(serdeConfig);
        final Serde<SpecificRecord> outputSerde = valueSerde(serdeConfig);

        final Topology topology = new Topology();

        topology.addSource(SOURCE_NODE, keySerde.deserializer(), snapshotSerde.deserializer(),
                settings.snapshotsTopic());
        topology.addSource(CONTROL_SOURCE_NODE, keySerde.deserializer(), commandSerde.deserializer(),
                settings.controlTopic());

        topology.addProcessor(DIFF_PROCESSOR, () -> new SnapshotDiffProcessor(settings, metrics), SOURCE_NODE,
                CONTROL_SOURCE_NODE);
        topology.addStateStore(sourceStateStore(settings, PermwatchTopology.<SourceState>valueSerde(serdeConfig)),
                DIFF_PROCESSOR);

        topology.addSink(CHANGES_SINK, settings.changesTopic(),
                keySerde.serializer(), outputSerde.serializer(), DIFF_PROCESSOR);
        topology.addSink(CATALOG_SINK, settings.catalogTopic(),
                keySerde.serializer(), outputSerde.serializer(), DIFF_PROCESSOR);
        topology.addSink(DIFF_REPORTS_SINK, settings.diffReportsTopic(),
                keySerde.serializer(), outputSerde.serializer(), DIFF_PROCESSOR);
        topology.addSink(ALERTS_SINK, settings.alertsTopic(),
                keySerde.serializer(), outputSerde.serializer(), DIFF_PROCESSOR);

        return topology;
    }

    /**
     * Returns the builder of the store with the state of each source: a persistent RocksDB store
     * with its changelog on (the Kafka Streams default), so the state survives restarts and moves
     * with the task to another instance.
     */
    public static StoreBuilder<KeyValueStore<String, SourceState>> sourceStateStore(
            final TopologySettings settings, final Map<String, ?> serdeConfig) {
        return sourceStateStore(settings, PermwatchTopology.<SourceState>valueSerde(serdeConfig));
    }

    private static StoreBuilder<KeyValueStore<String, SourceState>> sourceStateStore(
            final TopologySettings settings, final Serde<SourceState> stateSerde) {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(settings.storeName()), Serdes.String(), stateSerde);
    }

    private static <T extends SpecificRecord> Serde<T> valueSerde(final Map<String, ?> serdeConfig) {
        final SpecificAvroSerde<T> serde = new SpecificAvroSerde<>();
        serde.configure(serdeConfig, false);
        return serde;
    }

    /**
     * Diffs each snapshot against the stored state of its source, applies operator commands, and
     * forwards the results to the sinks.
     *
     * <p>A snapshot record whose key is not the source key of its snapshot, a tombstone, or a
     * snapshot that lists a permission id twice is rejected: it is counted in the metric
     * {@code rejected-snapshots-total} (group {@code stream-permwatch-metrics}) and the processor
     * throws {@link RejectedRecordException}, so the record goes to the dead-letter topic. A
     * command record is rejected the same way when it is a tombstone or its key differs from its
     * source. A valid command that names no held removals of its source changes nothing: it is
     * logged, counted in {@code rejected-commands-total} and raises nothing.
     */
    static final class SnapshotDiffProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

        private final TopologySettings settings;
        private final DiffMetrics metrics;
        private final SnapshotDiff diff;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, SourceState> store;
        private Sensor rejectedSensor;
        private Sensor rejectedCommandsSensor;

        SnapshotDiffProcessor(final TopologySettings settings, final DiffMetrics metrics) {
            this.settings = settings;
            this.metrics = metrics;
            this.diff = new SnapshotDiff(settings.emitBaselineAdded(), settings.removalPolicy(), settings.clock());
        }

        @Override
        public void init(final ProcessorContext<String, SpecificRecord> processorContext) {
            this.context = processorContext;
            this.store = processorContext.getStateStore(settings.storeName());
            final String taskId = processorContext.taskId().toString();
            this.rejectedSensor = processorContext.metrics().addRateTotalSensor("permwatch", taskId,
                    "rejected-snapshots", Sensor.RecordingLevel.INFO);
            this.rejectedCommandsSensor = processorContext.metrics().addRateTotalSensor("permwatch", taskId,
                    "rejected-commands", Sensor.RecordingLevel.INFO);
        }

        @Override
        public void process(final Record<String, SpecificRecord> record) {
            LOG.trace("Received record key={} value={}", record.key(), record.value());
            final String topic = context.recordMetadata().map(metadata -> metadata.topic()).orElse("");
            if (topic.equals(settings.controlTopic())) {
                processCommand(record);
            } else {
                processSnapshot(record);
            }
        }

        private void processSnapshot(final Record<String, SpecificRecord> record) {
            if (record.value() == null) {
                throw rejectSnapshot(null, "it has no value (a tombstone), but the snapshots topic contains only"
                        + " snapshots", null);
            }
            if (!(record.value() instanceof Snapshot snapshot)) {
                throw rejectSnapshot(null, "its value is a " + record.value().getSchema().getFullName()
                        + ", not a Snapshot. Write only snapshots to " + settings.snapshotsTopic(), null);
            }
            final String sourceKey = Sources.key(snapshot.getSource());
            if (!sourceKey.equals(record.key())) {
                throw rejectSnapshot(snapshot.getSnapshotId(), "its record key differs from the snapshot's source key '"
                        + sourceKey + "'. The producer must key each snapshot by its source key", null);
            }

            final SourceState stored = store.get(sourceKey);
            final DiffResult result;
            try {
                result = diff.diff(stored, snapshot);
            } catch (final IllegalArgumentException e) {
                throw rejectSnapshot(snapshot.getSnapshotId(), e.getMessage(), e);
            }

            if (result.isStale()) {
                LOG.warn("Ignored stale snapshot: source={} snapshot={} fetchedAt={} is older than the last"
                                + " processed snapshot={} fetchedAt={}",
                        sourceKey, snapshot.getSnapshotId(), snapshot.getFetchedAt(),
                        stored.getLastSnapshot().getSnapshotId(), stored.getLastSnapshot().getFetchedAt());
            } else if (result.isDuplicate()) {
                LOG.info("Ignored duplicate snapshot: source={} snapshot={} fetchedAt={} was already processed;"
                                + " no change events, no state change",
                        sourceKey, snapshot.getSnapshotId(), snapshot.getFetchedAt());
            } else {
                store.put(sourceKey, result.newState());
            }

            forwardResult(record, sourceKey, result);
            logProcessed(sourceKey, result);
            metrics.record(sourceKey, result);
        }

        private void processCommand(final Record<String, SpecificRecord> record) {
            if (!(record.value() instanceof OperatorCommand command)) {
                throw new RejectedRecordException("Rejected control record: "
                        + (record.value() == null ? "it has no value (a tombstone)" : "its value is a "
                        + record.value().getSchema().getFullName() + ", not an OperatorCommand")
                        + ". Write only operator commands to " + settings.controlTopic());
            }
            final String sourceKey = Sources.key(command.getSource());
            if (!sourceKey.equals(record.key())) {
                throw new RejectedRecordException("Rejected operator command for snapshot " + command.getSnapshotId()
                        + ": its record key differs from the command's source key '" + sourceKey
                        + "'. Key each command by its source key");
            }
            if (command.getCommand() != OperatorCommandType.CONFIRM_HELD_REMOVALS) {
                rejectCommand(command, "the command " + command.getCommand() + " is not supported");
                return;
            }

            final Optional<DiffResult> result = diff.confirmHeld(store.get(sourceKey), command);
            if (result.isEmpty()) {
                rejectCommand(command, "snapshot " + command.getSnapshotId() + " holds no removals of source "
                        + sourceKey + ". Use the snapshot id of a REMOVALS_HELD alert whose removals were"
                        + " neither confirmed nor discarded yet");
                return;
            }
            store.put(sourceKey, result.get().newState());
            forwardResult(record, sourceKey, result.get());
            metrics.record(sourceKey, result.get());
            LOG.info("Confirmed held removals: source={} snapshot={} removed={} requestedBy={}",
                    sourceKey, command.getSnapshotId(), result.get().removedGroupIds().size(),
                    command.getRequestedBy());
        }

        private void forwardResult(final Record<String, SpecificRecord> record, final String sourceKey,
                                   final DiffResult result) {
            final String prefix = sourceKey + "/";
            for (final ChangeEvent event : result.events()) {
                forward(record, prefix + event.getPermissionId(), event, CHANGES_SINK);
            }
            for (final CatalogEntry entry : result.catalogUpserts()) {
                forward(record, prefix + entry.getGroup().getId(), entry, CATALOG_SINK);
            }
            for (final String removedId : result.removedGroupIds()) {
                forward(record, prefix + removedId, null, CATALOG_SINK);
            }
            for (final Alert alert : result.alerts()) {
                forward(record, sourceKey, alert, ALERTS_SINK);
            }
            if (result.report() != null) {
                forward(record, sourceKey, result.report(), DIFF_REPORTS_SINK);
            }
        }

        /** Forwards {@code value} under {@code key} to one sink, keeping the input record's timestamp and headers. */
        private void forward(final Record<String, SpecificRecord> record, final String key, final SpecificRecord value,
                             final String sink) {
            context.forward(record.withKey(key).withValue(value), sink);
        }

        private static void logProcessed(final String sourceKey, final DiffResult result) {
            final DiffReport report = result.report();
            final SourceState state = result.newState();
            final int heldCount = state.getHeldRemovals().stream()
                    .mapToInt(hold -> hold.getPermissionIds().size())
                    .sum();
            LOG.info("Processed snapshot: source={} snapshot={} outcome={} groups={} added={} removed={} renamed={}"
                            + " updated={} pendingRemovals={} heldRemovals={}",
                    sourceKey, report.getSnapshotId(), report.getOutcome(), report.getGroupCount(),
                    report.getAdded(), report.getRemoved(), report.getRenamed(), report.getUpdated(),
                    state.getPendingAbsences().size(), heldCount);
            for (final Alert alert : result.alerts()) {
                LOG.warn("Raised alert {}: {}", alert.getKind(), alert.getMessage());
            }
        }

        /** Counts a rejected snapshot and returns the exception that sends it to the dead-letter topic. */
        private RejectedRecordException rejectSnapshot(final String snapshotId, final String reason,
                                                       final Exception cause) {
            rejectedSensor.record();
            final String subject = snapshotId == null ? "snapshot record" : "snapshot record " + snapshotId;
            return new RejectedRecordException("Rejected " + subject + ", because " + reason, cause);
        }

        private void rejectCommand(final OperatorCommand command, final String reason) {
            rejectedCommandsSensor.record();
            LOG.warn("Rejected operator command {} for source={} snapshot={} requestedBy={}, because {}",
                    command.getCommand(), Sources.key(command.getSource()), command.getSnapshotId(),
                    command.getRequestedBy(), reason);
        }

        @Override
        public void close() {
            if (rejectedSensor != null) {
                context.metrics().removeSensor(rejectedSensor);
            }
            if (rejectedCommandsSensor != null) {
                context.metrics().removeSensor(rejectedCommandsSensor);
            }
        }
    }
}
