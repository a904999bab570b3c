package dev.permwatch.streams;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import dev.permwatch.streams.diff.DiffResult;
import dev.permwatch.streams.diff.SnapshotDiff;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Builds the permwatch topology: snapshots in, change events, catalog entries and diff reports out.
 *
 * <pre>
 * snapshots topic -> snapshot-diff (store: last known state per source) -> changes topic
 *                                                                      -> catalog topic
 *                                                                      -> diff-reports topic
 * </pre>
 *
 * <p>The diff processor keeps one stored state per source key. For each snapshot it writes the
 * change events and catalog updates first and the diff report last. Under {@code exactly_once_v2}
 * all outputs of one snapshot commit in one transaction, so once a {@code read_committed} consumer
 * receives the report, the snapshot's change events and catalog updates are readable too.
 */
public final class PermwatchTopology {

    public static final String SOURCE_NODE = "snapshots-source";
    public static final String DIFF_PROCESSOR = "snapshot-diff";
    public static final String CHANGES_SINK = "changes-sink";
    public static final String CATALOG_SINK = "catalog-sink";
    public static final String DIFF_REPORTS_SINK = "diff-reports-sink";

    private static final Logger LOG = LoggerFactory.getLogger(PermwatchTopology.class);

    private PermwatchTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param settings    topics, store name, baseline option and clock
     * @param serdeConfig configuration for the Avro serdes ({@code schema.registry.url} and the
     *                    other registry settings), passed to each serde's {@code configure}
     */
    public static Topology build(final TopologySettings settings, final Map<String, ?> serdeConfig) {
        final Serde<String> keySerde = Serdes.String();
        final Serde<Snapshot> snapshotSerde = valueSerde(serdeConfig);
        final Serde<ChangeEvent> changeEventSerde = valueSerde(serdeConfig);
        final Serde<CatalogEntry> catalogEntrySerde = valueSerde(serdeConfig);
        final Serde<DiffReport> diffReportSerde = valueSerde(serdeConfig);

        final Topology topology = new Topology();

        topology.addSource(SOURCE_NODE, keySerde.deserializer(), snapshotSerde.deserializer(),
                settings.snapshotsTopic());

        topology.addProcessor(DIFF_PROCESSOR, () -> new SnapshotDiffProcessor(settings), SOURCE_NODE);
        topology.addStateStore(lastSnapshotStore(settings, snapshotSerde), DIFF_PROCESSOR);

        topology.addSink(CHANGES_SINK, settings.changesTopic(),
                keySerde.serializer(), changeEventSerde.serializer(), DIFF_PROCESSOR);
        topology.addSink(CATALOG_SINK, settings.catalogTopic(),
                keySerde.serializer(), catalogEntrySerde.serializer(), DIFF_PROCESSOR);
        topology.addSink(DIFF_REPORTS_SINK, settings.diffReportsTopic(),
                keySerde.serializer(), diffReportSerde.serializer(), DIFF_PROCESSOR);

        return topology;
    }

    /**
     * Returns the builder of the store with the last known state of each source: a persistent
     * RocksDB store with its changelog on (the Kafka Streams default), so the state survives
     * restarts and moves with the task to another instance.
     */
    public static StoreBuilder<KeyValueStore<String, Snapshot>> lastSnapshotStore(final TopologySettings settings,
                                                                                  final Map<String, ?> serdeConfig) {
        return lastSnapshotStore(settings, PermwatchTopology.<Snapshot>valueSerde(serdeConfig));
    }

    private static StoreBuilder<KeyValueStore<String, Snapshot>> lastSnapshotStore(final TopologySettings settings,
                                                                                   final Serde<Snapshot> snapshotSerde) {
        return Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(settings.storeName()), Serdes.String(), snapshotSerde);
    }

    private static <T extends SpecificRecord> Serde<T> valueSerde(final Map<String, ?> serdeConfig) {
        final SpecificAvroSerde<T> serde = new SpecificAvroSerde<>();
        serde.configure(serdeConfig, false);
        return serde;
    }

    /**
     * Diffs each snapshot against the stored state of its source and forwards the results to the
     * three sinks. A record whose key is not the source key of its snapshot, a tombstone, or a
     * snapshot that lists a permission id twice is rejected. It is logged at WARN, counted in the
     * metric {@code rejected-snapshots-total} (group {@code stream-permwatch-metrics}) and not diffed.
     */
    static final class SnapshotDiffProcessor implements Processor<String, Snapshot, String, SpecificRecord> {

        private final TopologySettings settings;
        private final SnapshotDiff diff;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, Snapshot> store;
        private Sensor rejectedSensor;

        SnapshotDiffProcessor(final TopologySettings settings) {
            this.settings = settings;
            this.diff = new SnapshotDiff(settings.emitBaselineAdded(), settings.clock());
        }

        @Override
        public void init(final ProcessorContext<String, SpecificRecord> processorContext) {
            this.context = processorContext;
            this.store = processorContext.getStateStore(settings.storeName());
            this.rejectedSensor = processorContext.metrics().addRateTotalSensor("permwatch",
                    processorContext.taskId().toString(), "rejected-snapshots", Sensor.RecordingLevel.INFO);
        }

        @Override
        public void process(final Record<String, Snapshot> record) {
            LOG.trace("Received snapshot record key={} value={}", record.key(), record.value());

            final Snapshot snapshot = record.value();
            if (snapshot == null) {
                reject(null, "it has no value (a tombstone), but the snapshots topic holds only snapshots");
                return;
            }
            final String sourceKey = Sources.key(snapshot.getSource());
            if (!sourceKey.equals(record.key())) {
                reject(snapshot.getSnapshotId(), "its record key differs from the snapshot's source key '" + sourceKey
                        + "'. The producer must key each snapshot by its source key (see TRACE for the record key)");
                return;
            }

            final Snapshot stored = store.get(sourceKey);
            final DiffResult result;
            try {
                result = diff.diff(stored, snapshot);
            } catch (final IllegalArgumentException e) {
                reject(snapshot.getSnapshotId(), e.getMessage());
                return;
            }

            if (result.isStale()) {
                LOG.warn("Ignored stale snapshot: source={} snapshot={} fetchedAt={} is older than the last"
                                + " processed snapshot={} fetchedAt={}",
                        sourceKey, snapshot.getSnapshotId(), snapshot.getFetchedAt(),
                        stored.getSnapshotId(), stored.getFetchedAt());
            } else {
                store.put(sourceKey, result.newState());
            }

            forwardResult(record, snapshot, result);
            logProcessed(sourceKey, result.report());
        }

        private void forwardResult(final Record<String, Snapshot> record, final Snapshot snapshot,
                                   final DiffResult result) {
            for (final ChangeEvent event : result.events()) {
                forward(record, Sources.groupKey(snapshot.getSource(), event.getPermissionId()), event, CHANGES_SINK);
            }
            for (final CatalogEntry entry : result.catalogUpserts()) {
                forward(record, Sources.groupKey(snapshot.getSource(), entry.getGroup().getId()), entry, CATALOG_SINK);
            }
            for (final String removedId : result.removedGroupIds()) {
                forward(record, Sources.groupKey(snapshot.getSource(), removedId), null, CATALOG_SINK);
            }
            forward(record, record.key(), result.report(), DIFF_REPORTS_SINK);
        }

        /** Forwards {@code value} under {@code key} to one sink, keeping the input record's timestamp and headers. */
        private void forward(final Record<String, Snapshot> record, final String key, final SpecificRecord value,
                             final String sink) {
            context.forward(record.withKey(key).<SpecificRecord>withValue(value), sink);
        }

        private static void logProcessed(final String sourceKey, final DiffReport report) {
            LOG.info("Processed snapshot: source={} snapshot={} outcome={} groups={} added={} removed={} renamed={}"
                            + " updated={}",
                    sourceKey, report.getSnapshotId(), report.getOutcome(), report.getGroupCount(),
                    report.getAdded(), report.getRemoved(), report.getRenamed(), report.getUpdated());
        }

        /** Logs and counts a rejected record. The record key is only logged at TRACE, in {@link #process}. */
        private void reject(final String snapshotId, final String reason) {
            rejectedSensor.record();
            final String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("unknown");
            final int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
            final long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
            LOG.warn("Rejected snapshot record: topic={} partition={} offset={} snapshot={}, because {}",
                    topic, partition, offset, snapshotId, reason);
        }

        @Override
        public void close() {
            if (rejectedSensor != null) {
                context.metrics().removeSensor(rejectedSensor);
            }
        }
    }
}
