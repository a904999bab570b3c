package dev.permwatch.local.eos;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.serde.SpecificAvroSerde;
import dev.permwatch.streams.PermwatchTopology;
import dev.permwatch.streams.StreamsAppConfig;
import dev.permwatch.streams.StreamsConfigFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Test check until the independent oracle is available: replays the snapshot records the streams
 * app read through the same topology in a TopologyTestDriver, without faults, and returns the
 * change events and catalog a fault-free run writes. Not independent of the diff rules, but it
 * finds what faults cause: lost, repeated or reordered events.
 */
final class ReferenceOutput {

    /**
     * @param changes change events in the order written
     * @param catalog last value per catalog key, tombstoned keys absent
     */
    record Expected(List<KeyValue<String, ChangeEvent>> changes, Map<String, CatalogEntry> catalog) {
    }

    private ReferenceOutput() {
    }

    static Expected compute(final List<ConsumerRecord<String, Snapshot>> snapshots, final Path stateDir) {
        final Properties props = new Properties();
        props.put("application.id", "eos-reference");
        props.put("bootstrap.servers", "127.0.0.1:9");
        props.put("schema.registry.url", "mock://eos-reference");
        props.put("state.dir", stateDir.toString());
        props.put("permwatch.baseline.emit-added", "false");
        final StreamsAppConfig config = StreamsConfigFactory.create(props);
        final Map<String, Object> serdeConfig = config.serdeConfig();

        try (TopologyTestDriver driver = new TopologyTestDriver(
                PermwatchTopology.build(config.topologySettings(), serdeConfig), config.streamsProperties(),
                Instant.EPOCH)) {
            final TestInputTopic<String, Snapshot> input = driver.createInputTopic(
                    config.topologySettings().snapshotsTopic(), Serdes.String().serializer(),
                    ReferenceOutput.<Snapshot>serde(serdeConfig).serializer());
            final TestOutputTopic<String, ChangeEvent> changes = driver.createOutputTopic(
                    config.topologySettings().changesTopic(), Serdes.String().deserializer(),
                    ReferenceOutput.<ChangeEvent>serde(serdeConfig).deserializer());
            final TestOutputTopic<String, CatalogEntry> catalog = driver.createOutputTopic(
                    config.topologySettings().catalogTopic(), Serdes.String().deserializer(),
                    ReferenceOutput.<CatalogEntry>serde(serdeConfig).deserializer());
            for (final ConsumerRecord<String, Snapshot> record : snapshots) {
                input.pipeInput(record.key(), record.value());
            }
            final Map<String, CatalogEntry> last = new LinkedHashMap<>();
            for (final KeyValue<String, CatalogEntry> entry : catalog.readKeyValuesToList()) {
                if (entry.value == null) {
                    last.remove(entry.key);
                } else {
                    last.put(entry.key, entry.value);
                }
            }
            return new Expected(new ArrayList<>(changes.readKeyValuesToList()), last);
        }
    }

    private static <T extends SpecificRecord> SpecificAvroSerde<T> serde(final Map<String, Object> serdeConfig) {
        final SpecificAvroSerde<T> serde = new SpecificAvroSerde<>();
        serde.configure(serdeConfig, false);
        return serde;
    }
}
