package dev.permwatch.streams;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.SourceState;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import dev.permwatch.streams.metrics.DiffMetrics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the production topology in a {@link TopologyTestDriver} with the real Avro serde and an
 * in-memory registry, and exposes its input and output topics.
 */
final class TopologyHarness implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, Snapshot> snapshots;
    private final TestInputTopic<byte[], byte[]> rawSnapshots;
    private final TestInputTopic<String, OperatorCommand> control;
    private final TestOutputTopic<String, ChangeEvent> changes;
    private final TestOutputTopic<String, CatalogEntry> catalog;
    private final TestOutputTopic<String, DiffReport> diffReports;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestOutputTopic<byte[], byte[]> deadLetters;

    /**
     * @param settings      topology settings
     * @param registryScope scope of the {@code mock://} registry; harnesses that share a scope share schemas
     * @param stateDir      state directory
     * @param guarantee     {@code processing.guarantee}
     */
    TopologyHarness(final TopologySettings settings, final String registryScope, final Path stateDir,
                    final String guarantee) {
        this(settings, registryScope, stateDir, guarantee, DiffMetrics.discarding());
    }

    /** Like the other constructor, with the processor and the dead-letter handlers counting into {@code metrics}. */
    TopologyHarness(final TopologySettings settings, final String registryScope, final Path stateDir,
                    final String guarantee, final DiffMetrics metrics) {
        final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + registryScope);

        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "permwatch-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.putAll(serdeConfig);
        props.putAll(StreamsConfigFactory.errorHandlingProperties(settings));
        props.put(DiffMetrics.CONFIG_KEY, metrics);

        driver = new TopologyTestDriver(PermwatchTopology.build(settings, serdeConfig, metrics), props,
                Instant.EPOCH);
        snapshots = driver.createInputTopic(settings.snapshotsTopic(), Serdes.String().serializer(),
                TopologyHarness.<Snapshot>valueSerde(serdeConfig).serializer());
        rawSnapshots = driver.createInputTopic(settings.snapshotsTopic(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        control = driver.createInputTopic(settings.controlTopic(), Serdes.String().serializer(),
                TopologyHarness.<OperatorCommand>valueSerde(serdeConfig).serializer());
        changes = driver.createOutputTopic(settings.changesTopic(), Serdes.String().deserializer(),
                TopologyHarness.<ChangeEvent>valueSerde(serdeConfig).deserializer());
        catalog = driver.createOutputTopic(settings.catalogTopic(), Serdes.String().deserializer(),
                TopologyHarness.<CatalogEntry>valueSerde(serdeConfig).deserializer());
        diffReports = driver.createOutputTopic(settings.diffReportsTopic(), Serdes.String().deserializer(),
                TopologyHarness.<DiffReport>valueSerde(serdeConfig).deserializer());
        alerts = driver.createOutputTopic(settings.alertsTopic(), Serdes.String().deserializer(),
                TopologyHarness.<Alert>valueSerde(serdeConfig).deserializer());
        deadLetters = driver.createOutputTopic(settings.deadLetterTopic(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    /** Writes a snapshot keyed by its source key, as the poller does. */
    void pipe(final Snapshot snapshot) {
        snapshots.pipeInput(Sources.key(snapshot.getSource()), snapshot);
    }

    /** Writes a snapshot record with an arbitrary key (may be null) and value (may be null). */
    void pipe(final String key, final Snapshot snapshot) {
        snapshots.pipeInput(key, snapshot);
    }

    /** Writes raw bytes to the snapshots topic, as a faulty producer might. */
    void pipeRaw(final byte[] key, final byte[] value, final Headers headers) {
        rawSnapshots.pipeInput(new TestRecord<>(key, value, headers));
    }

    /** Writes an operator command keyed by {@code key}. */
    void command(final String key, final OperatorCommand command) {
        control.pipeInput(key, command);
    }

    List<KeyValue<String, ChangeEvent>> readChanges() {
        return changes.readKeyValuesToList();
    }

    List<KeyValue<String, CatalogEntry>> readCatalog() {
        return catalog.readKeyValuesToList();
    }

    List<KeyValue<String, DiffReport>> readDiffReports() {
        return diffReports.readKeyValuesToList();
    }

    List<KeyValue<String, Alert>> readAlerts() {
        return alerts.readKeyValuesToList();
    }

    List<TestRecord<byte[], byte[]>> readDeadLetters() {
        return deadLetters.readRecordsToList();
    }

    SourceState storedState(final String sourceKey, final String storeName) {
        return driver.<String, SourceState>getKeyValueStore(storeName).get(sourceKey);
    }

    /** Returns the value of the first driver metric with this name and group. */
    Object metricValue(final String name, final String group) {
        return driver.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().name().equals(name) && metric.getKey().group().equals(group))
                .map(metric -> metric.getValue().metricValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("metric " + group + "/" + name + " not found"));
    }

    @Override
    public void close() {
        driver.close();
    }

    private static <T extends SpecificRecord> SpecificAvroSerde<T> valueSerde(final Map<String, Object> serdeConfig) {
        final SpecificAvroSerde<T> serde = new SpecificAvroSerde<>();
        serde.configure(serdeConfig, false);
        return serde;
    }
}
