package dev.permwatch.local.cli;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.StreamsPropertiesFile;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.SpecificAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs confirm-removals against a local stack whose shrink guard holds a large shrink. */
class ConfirmRemovalsCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void heldShrinkIsRemovedAfterCommand() throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, "permwatch-confirm-test", false)) {
            StreamsPropertiesFile.write(stack);
            final List<PermissionGroup> groups = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                groups.add(PermissionGroup.newBuilder().setId(String.format("%032x", i + 1))
                        .setName("Group " + i).setExtraFields(Map.of()).build());
            }
            final Instant baselineAt = Instant.parse("2026-01-01T00:00:00Z");
            final Snapshot baseline = snapshot(groups, baselineAt);
            final Snapshot shrunk = snapshot(groups.subList(0, 10), baselineAt.plus(Duration.ofMinutes(15)));
            send(stack, baseline);
            send(stack, shrunk);

            final List<Alert> alerts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                alerts.clear();
                alerts.addAll(readAll(stack, TopicSetup.DEFAULT_ALERTS_TOPIC, Alert.class));
                return alerts.stream().anyMatch(alert -> alert.getKind() == AlertKind.REMOVALS_HELD);
            });
            assertThat(alerts.get(0).getSnapshotId()).isEqualTo(shrunk.getSnapshotId());
            assertThat(readAll(stack, TopicSetup.DEFAULT_CHANGES_TOPIC, ChangeEvent.class)).as("events before").isEmpty();

            final StringWriter err = new StringWriter();
            final CommandLine commandLine = PermwatchCli.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            final int exitCode = commandLine.execute("confirm-removals", "--data-dir", dataDir.toString(),
                    "--source", "user", "--snapshot", shrunk.getSnapshotId(), "--requested-by", "test-operator");

            assertThat(exitCode).as("exit code, stderr: " + err).isZero();
            final List<ChangeEvent> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                events.clear();
                events.addAll(readAll(stack, TopicSetup.DEFAULT_CHANGES_TOPIC, ChangeEvent.class));
                return events.size() >= 30;
            });
            assertThat(events).hasSize(30);
            assertThat(events).extracting(ChangeEvent::getType).containsOnly(ChangeType.REMOVED);
            assertThat(events).extracting(ChangeEvent::getPermissionId)
                    .containsExactlyInAnyOrderElementsOf(groups.subList(10, 40).stream().map(PermissionGroup::getId).toList());
        }
    }

    @Test
    void missingLocalModeIsUsageError() {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("confirm-removals", "--data-dir", dataDir.toString(),
                "--source", "user", "--snapshot", "0123456789abcdef0123456789abcdef");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("permwatch local is not running").contains(dataDir.toString());
    }

    private static Snapshot snapshot(final List<PermissionGroup> groups, final Instant fetchedAt) {
        return SnapshotFactory.create(Sources.user(), fetchedAt, groups,
                PollMetadata.newBuilder().setOrigin("test").build());
    }

    private static void send(final LocalStack stack, final Snapshot snapshot) throws Exception {
        final Map<String, Object> props = new HashMap<>(stack.serdeConfig());
        props.put("bootstrap.servers", stack.bootstrapServers());
        final SpecificAvroSerde<Snapshot> serde = new SpecificAvroSerde<>();
        serde.configure(props, false);
        try (KafkaProducer<String, Snapshot> producer = new KafkaProducer<>(props, new StringSerializer(),
                serde.serializer())) {
            producer.send(new ProducerRecord<>(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC, "user", snapshot)).get();
        }
    }

    private static <T extends SpecificRecord> List<T> readAll(final LocalStack stack, final String topic,
                                                              final Class<T> type) {
        final List<T> values = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = TopicReader.consumer(stack.bootstrapServers(), stack.serdeConfig())) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (final ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(type.cast(record.value()));
                }
            }
        }
        return values;
    }
}
